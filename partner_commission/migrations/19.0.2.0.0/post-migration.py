"""19.0.2.0.0: the commission ledger.

Version 1 rows were booked at payment and are kept as they are: their state (on draft RFQ,
confirmed, billed, paid) stays, and they count as booked for the sync, so nothing is booked
twice (their order line is filled in, as new rows have it). Their release date is their
payment date. Rows of cancelled RFQs were lost for payment in version 1: they are to pay
again, for the next payout run.
"""


def migrate(cr, version):
    # rows are keyed by their invoice line, its order line and the referrer
    cr.execute(
        """
        UPDATE commission_line cl
           SET sale_line_id = rel.order_line_id
          FROM (
                SELECT invoice_line_id, MIN(order_line_id) AS order_line_id
                  FROM sale_order_line_invoice_rel
                 GROUP BY invoice_line_id
               ) rel
         WHERE rel.invoice_line_id = cl.move_line_id AND cl.sale_line_id IS NULL
        """
    )
    cr.execute("UPDATE commission_line SET date_release = date WHERE date_release IS NULL")
    cr.execute(
        """
        UPDATE commission_line
           SET state = 'to_pay', purchase_line_id = NULL, purchase_order_id = NULL
         WHERE state = 'cancel'
        """
    )
    cr.execute(
        """
        UPDATE account_move am
           SET commission_sync_date = NOW() AT TIME ZONE 'UTC'
         WHERE EXISTS (SELECT 1 FROM commission_line cl WHERE cl.origin_move_id = am.id)
        """
    )

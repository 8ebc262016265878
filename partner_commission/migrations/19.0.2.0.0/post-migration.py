"""19.0.2.0.0: the commission ledger.

Version 1 rows were booked at payment and are kept as they are: their state (on draft RFQ,
confirmed, billed, paid) stays, and they count as booked for the sync, so nothing is booked
twice. Their release date is their payment date. Rows of cancelled RFQs were lost for
payment in version 1: they are to pay again, for the next payout run.
"""


def migrate(cr, version):
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

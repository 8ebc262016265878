"""19.0.2.0.0: the commission ledger.

Before the update: a referrer now has at most one draft commission RFQ per company and
currency (a unique index). Version 1 could create two under parallel payments: the lines of
the newer drafts move to the oldest one, and the emptied drafts are cancelled.
"""


def migrate(cr, version):
    cr.execute(
        """
        WITH drafts AS (
            SELECT id, MIN(id) OVER (PARTITION BY partner_id, company_id, currency_id) AS keep
              FROM purchase_order
             WHERE purchase_type = 'commission' AND state = 'draft'
        ), moved AS (
            UPDATE purchase_order_line pol
               SET order_id = drafts.keep
              FROM drafts
             WHERE pol.order_id = drafts.id AND drafts.id != drafts.keep
         RETURNING pol.id, drafts.keep
        ), rows AS (
            UPDATE commission_line cl
               SET purchase_order_id = moved.keep
              FROM moved
             WHERE cl.purchase_line_id = moved.id
        )
        UPDATE purchase_order po
           SET state = 'cancel'
          FROM drafts
         WHERE po.id = drafts.id AND drafts.id != drafts.keep
        """
    )

"""Upgrades a database of the previous version of partner_commission and checks its ledger.

Run by scripts/upgrade.sh: the database holds the previous version with its demo data.
Before the upgrade it reads the net commission booked per invoice and the RFQ lines, then
updates the addons (running the migration scripts), and checks that the figures are the same,
that every row has a state of the new ledger, and that syncing every referred invoice again
books nothing (no commission lost or doubled). Exits non-zero on any difference.
"""

import sys

import odoo
import odoo.sql_db
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

NET_PER_INVOICE = """
    SELECT origin_move_id, SUM(amount) FROM commission_line
     GROUP BY origin_move_id ORDER BY origin_move_id
"""
# rows of documents that the previous version could not have (opportunities won, booked by
# demo data the upgrade loads) are left out of the comparison
NET_PER_INVOICE_AFTER = """
    SELECT origin_move_id, SUM(amount) FROM commission_line
     WHERE lead_id IS NULL
     GROUP BY origin_move_id ORDER BY origin_move_id
"""
RFQ_LINES = """
    SELECT pol.order_id, pol.price_unit FROM purchase_order_line pol
      JOIN purchase_order po ON po.id = pol.order_id
     WHERE po.purchase_type = 'commission' ORDER BY pol.id
"""


def read(cr, net_query=NET_PER_INVOICE):
    cr.execute(net_query)
    net = [(move_id, float(amount)) for move_id, amount in cr.fetchall()]
    cr.execute(RFQ_LINES)
    return net, [(order_id, float(price)) for order_id, price in cr.fetchall()]


def main():
    odoo.tools.config.parse_config(sys.argv[1:], setup_logging=True)
    db = odoo.tools.config["db_name"]
    db = db[0] if isinstance(db, list | tuple) else db
    # read with a bare connection: loading a registry of this code on the old schema would
    # already change it
    with odoo.sql_db.db_connect(db).cursor() as cr:
        before = read(cr)
        old_orders = {order_id for order_id, _price in before[1]}
    if not before[0]:
        sys.exit("the previous version's demo booked no commission: nothing to check")
    registry = Registry.new(
        db, update_module=True, upgrade_modules={"crm_partner_assign", "partner_commission"}
    )
    errors = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        version = env["ir.module.module"].search([("name", "=", "partner_commission")])
        print(f"partner_commission upgraded to {version.latest_version}")
        after = read(cr, NET_PER_INVOICE_AFTER)
        after = (
            after[0],
            [line for line in after[1] if line in before[1] or line[0] in old_orders],
        )
        if after != before:
            errors.append(f"ledger or RFQs changed by the upgrade:\n{before}\n{after}")
        states = set(env["commission.line"].search([]).mapped("state"))
        if not states <= set(dict(env["commission.line"]._fields["state"].selection)):
            errors.append(f"unknown states after the upgrade: {states}")
        invoices = env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("referrer_id", "!=", False)]
        )
        booked = invoices._commission_sync()
        env.flush_all()
        if booked:
            errors.append(
                "syncing the upgraded invoices booked again: "
                f"{[(r.origin_move_id.name, r.amount) for r in booked]}"
            )
        print(
            f"{len(before[0])} commissioned invoices, {len(before[1])} RFQ lines: "
            f"{'unchanged' if not errors else 'CHANGED'}; "
            f"sync of {len(invoices)} referred invoices booked {len(booked)} rows"
        )
        cr.rollback()
    if errors:
        sys.exit("\n".join(errors))


if __name__ == "__main__":
    main()

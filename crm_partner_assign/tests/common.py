from contextlib import nullcontext

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user


def fields_read_by_rank_write(test, partner, names):
    """Which of ``names`` account's rank write after a payment reads on ``partner``: its
    postcommit cursor increases ``customer_rank`` with tracking, without prefetching and
    with a cold cache, one query per field read."""
    env = partner.env(
        context=dict(
            partner.env.context, tracking_disable=False, mail_notrack=False, prefetch_fields=False
        )
    )
    env.flush_all()
    env.cr.precommit.run()  # records created in the transaction are tracked once written
    env.invalidate_all()
    with test.assertLogs("odoo.sql_db", "DEBUG") as logs:
        partner.with_env(env).customer_rank += 1
        env.flush_all()
    queries = "\n".join(logs.output)
    test.assertIn('"res_partner"."email"', queries, "core's tracked fields are read")
    return [name for name in names if f'"res_partner"."{name}"' in queries]


class CronRunnerCase:
    """Mixin of the test cases that run scheduled jobs: through Odoo's cron runner, as the
    scheduler does."""

    def run_cron(self, xmlid):
        """The job through Odoo's cron runner, its own cursor wrapping the test's (an
        HttpCase's registry is in test mode already)."""
        self.env.flush_all()
        in_test_mode = isinstance(self, HttpCase)
        with nullcontext() if in_test_mode else self.enter_registry_test_mode():
            result = self.env.ref(xmlid).method_direct_trigger()
        self.assertIs(result, True, f"the job {xmlid} failed: {result}")
        self.env.invalidate_all()


class PartnerAssignCommon(CronRunnerCase, TransactionCase):
    """Resellers in Switzerland (no demo partner there, so automatic forwarding only sees
    these): a Gold one in Geneva with a portal user, a Silver one in Zurich, a Bronze one in
    Basel without email; leads in Lausanne and Bern."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.switzerland = cls.env.ref("base.ch")
        cls.france = cls.env.ref("base.fr")
        cls.grade_gold = cls.env["res.partner.grade"].create(
            {"name": "Gold (test)", "sequence": 1, "partner_weight": 10}
        )
        cls.grade_silver = cls.env["res.partner.grade"].create(
            {"name": "Silver (test)", "sequence": 2, "partner_weight": 5}
        )
        cls.grade_bronze = cls.env["res.partner.grade"].create(
            {"name": "Bronze (test)", "sequence": 3, "partner_weight": 2}
        )
        cls.salesman = new_test_user(
            cls.env,
            login="sam.salesman",
            name="Sam Salesman",
            email="sam@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman_partners = new_test_user(
            cls.env,
            login="paula.partners",
            name="Paula Partners",
            email="paula@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="mona.manager",
            name="Mona Manager",
            email="mona@example.com",
            groups="sales_team.group_sale_manager",
        )
        Partner = cls.env["res.partner"]
        cls.reseller_geneva = Partner.create(
            {
                "name": "Léman Conseil SA",
                "is_company": True,
                "email": "info@leman.example.com",
                "city": "Geneva",
                "country_id": cls.switzerland.id,
                "partner_latitude": 46.2044,
                "partner_longitude": 6.1432,
                "grade_id": cls.grade_gold.id,
                "user_id": cls.salesman_partners.id,
                "child_ids": [
                    Command.create({"name": "Léa Leman", "email": "lea@leman.example.com"})
                ],
            }
        )
        cls.reseller_geneva_contact = cls.reseller_geneva.child_ids
        cls.portal_geneva = cls.make_portal_user(cls.reseller_geneva_contact)
        cls.reseller_zurich = Partner.create(
            {
                "name": "Limmat Systems AG",
                "is_company": True,
                "email": "info@limmat.example.com",
                "city": "Zurich",
                "country_id": cls.switzerland.id,
                "partner_latitude": 47.3769,
                "partner_longitude": 8.5417,
                "grade_id": cls.grade_silver.id,
                "child_ids": [
                    Command.create({"name": "Urs Limmat", "email": "urs@limmat.example.com"})
                ],
            }
        )
        cls.portal_zurich = cls.make_portal_user(cls.reseller_zurich.child_ids)
        cls.reseller_basel = Partner.create(
            {
                "name": "Rhein IT GmbH",
                "is_company": True,
                "city": "Basel",
                "country_id": cls.switzerland.id,
                "partner_latitude": 47.5596,
                "partner_longitude": 7.5886,
                "grade_id": cls.grade_bronze.id,
            }
        )
        # nearer to Lausanne than Geneva, but in France: never a candidate for a Swiss lead
        cls.reseller_evian = Partner.create(
            {
                "name": "Chablais Informatique",
                "is_company": True,
                "email": "info@chablais.example.com",
                "city": "Évian-les-Bains",
                "country_id": cls.france.id,
                "partner_latitude": 46.4008,
                "partner_longitude": 6.5897,
                "grade_id": cls.grade_gold.id,
            }
        )
        cls.customer = Partner.create(
            {"name": "Vaud Horlogerie SA", "is_company": True, "email": "achat@vaud.example.com"}
        )
        Lead = cls.env["crm.lead"]
        cls.lead_lausanne = Lead.create(
            {
                "name": "Watch shop: stock and online sales",
                "type": "lead",
                "contact_name": "Jean Favre",
                "email_from": "jean.favre@example.com",
                "street": "Rue de Bourg 10",
                "zip": "1003",
                "city": "Lausanne",
                "country_id": cls.switzerland.id,
                "partner_latitude": 46.5197,
                "partner_longitude": 6.6323,
                "user_id": cls.salesman.id,
            }
        )
        cls.opportunity_bern = Lead.create(
            {
                "name": "ERP for a Bern printer",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "city": "Bern",
                "country_id": cls.switzerland.id,
                "partner_latitude": 46.9480,
                "partner_longitude": 7.4474,
                "expected_revenue": 12000,
                "user_id": cls.salesman.id,
            }
        )

    @classmethod
    def make_portal_user(cls, contact):
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "partner_id": contact.id,
                    "login": contact.email,
                    "group_ids": [Command.set(cls.env.ref("base.group_portal").ids)],
                }
            )
        )

    @classmethod
    def forward_wizard(cls, leads, user=None, **values):
        """The wizard as opened from the leads' list (or form) by ``user``."""
        env = cls.env(user=user) if user else cls.env
        return (
            env["crm.lead.forward.to.partner"]
            .with_context(active_model="crm.lead", active_ids=leads.ids, active_id=leads[:1].id)
            .create(values)
        )

    def flush_tracking(self):
        """Write pending tracking: records created in this transaction are not tracked
        until it is written."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def tracking_values(self, record, field_name):
        """Tracking values of ``record``'s field, once the pending tracking is written."""
        self.flush_tracking()
        return self.env["mail.tracking.value"].search(
            [
                ("field_id.model", "=", record._name),
                ("field_id.name", "=", field_name),
                ("mail_message_id.model", "=", record._name),
                ("mail_message_id.res_id", "=", record.id),
            ]
        )

    def sent_mails(self, partner):
        """Mails to the partner or its contacts (forwarding writes to its portal users)."""
        recipients = partner | partner.child_ids
        return self.env["mail.mail"].sudo().search([("recipient_ids", "in", recipients.ids)])

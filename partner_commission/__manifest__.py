# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Partner Commissions (Resellers)",
    "summary": "Commission plans for resellers: RFQs generated on paid invoices, "
    "scheduled confirmation, clawback on refunds, analysis",
    "version": "19.0.3.0.0",
    "category": "Sales/Commissions",
    "license": "LGPL-3",
    "author": "Resellers Suite contributors",
    "website": "https://github.com/resellers-suite/resellers",
    "depends": ["crm_partner_assign", "sale_management", "purchase", "account"],
    "assets": {
        "web.assets_backend": [
            "partner_commission/static/src/fields/*",
        ],
        "web.assets_tests": [
            "partner_commission/static/tests/tours/*.js",
        ],
    },
    "data": [
        "security/partner_commission_security.xml",
        "security/ir.model.access.csv",
        "data/product_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "views/commission_plan_views.xml",
        "views/commission_line_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/purchase_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/partner_commission_menus.xml",
        "views/portal_templates.xml",
        "report/commission_statement_report.xml",
    ],
    "demo": [
        "demo/commission_demo.xml",
    ],
    "installable": True,
    "application": False,
}

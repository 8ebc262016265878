# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Partner Assignment (Resellers)",
    "summary": "Partner levels, lead forwarding to resellers and a partner portal, "
    "without the website",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "Resellers Suite contributors",
    "website": "https://github.com/resellers-suite/resellers",
    "depends": ["partnership", "crm", "sale_crm", "portal", "base_geolocalize"],
    "excludes": ["website_crm_partner_assign"],
    "data": [
        "security/crm_partner_assign_security.xml",
        "security/ir.model.access.csv",
        "data/res_partner_activation_data.xml",
        "data/crm_tag_data.xml",
        "data/mail_template_data.xml",
        "views/res_partner_activation_views.xml",
        "views/res_partner_grade_views.xml",
        "views/res_partner_views.xml",
        "wizard/crm_lead_forward_to_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "report/crm_partner_report_views.xml",
        "report/sale_report_views.xml",
        "views/crm_partner_assign_menus.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/res_partner_grade_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_partner_assign/static/tests/tours/*",
        ],
    },
    "installable": True,
    "application": False,
}

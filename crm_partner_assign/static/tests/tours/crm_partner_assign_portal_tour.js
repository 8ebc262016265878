import { registry } from "@web/core/registry";

// Runs as the portal user of a graded partner, on data made by the Python test
// (TestPortalTour): a lead "Tour Lead" assigned to the partner.
registry.category("web_tour.tours").add("crm_partner_assign_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The My Leads card shows once the counters are loaded",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/leads']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the lead",
            trigger: ".o_crm_partner_assign_lead_row a:contains('Tour Lead')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Say what comes next",
            trigger: ".o_crm_partner_assign_accept_form textarea[name='comment']",
            run: "edit Call the customer on Monday",
        },
        {
            content: "Accept the lead",
            trigger: ".o_crm_partner_assign_accept_form button[name='accept']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The lead is now an opportunity",
            trigger: ".alert-success:contains('Lead accepted')",
        },
        {
            content: "Set the expected revenue",
            trigger: ".o_crm_partner_assign_update_form input[name='expected_revenue']",
            run: "edit 4321",
        },
        {
            content: "Set the probability",
            trigger: ".o_crm_partner_assign_update_form input[name='probability']",
            run: "edit 60",
        },
        {
            content: "Save the opportunity",
            trigger: ".o_crm_partner_assign_update_form button[name='update']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The opportunity is saved",
            trigger: ".alert-success:contains('Opportunity updated')",
        },
        {
            content: "Back to the opportunities",
            trigger: ".o_portal_submenu a[href='/my/opportunities']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The accepted lead is listed",
            trigger: ".o_crm_partner_assign_opportunity_row a:contains('Tour Lead')",
        },
        {
            content: "Register a new opportunity",
            trigger: "a.o_crm_partner_assign_new_opportunity",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_crm_partner_assign_new_form input[name='title']",
            run: "edit Tour New Opportunity",
        },
        {
            trigger: ".o_crm_partner_assign_new_form input[name='contact_name']",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o_crm_partner_assign_new_form input[name='email_from']",
            run: "edit tour.customer@example.com",
        },
        {
            trigger: ".o_crm_partner_assign_new_form textarea[name='description']",
            run: "edit Needs twenty seats",
        },
        {
            content: "The deal registration asks for the expected revenue",
            trigger: ".o_crm_partner_assign_registration_form input[name='expected_revenue']",
            run: "edit 9000",
        },
        {
            content: "Submit it for review",
            trigger: ".o_crm_partner_assign_new_form button[name='create']:visible",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The new opportunity opens, its registration under review",
            trigger: ".alert-success:contains('Deal registered')",
        },
        {
            trigger: ".o_crm_partner_assign_registration:contains('Registration under review')",
        },
        {
            trigger: ".o_crm_partner_assign_title:contains('Tour New Opportunity')",
        },
    ],
});

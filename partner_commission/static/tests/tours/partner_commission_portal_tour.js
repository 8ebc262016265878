import { registry } from "@web/core/registry";

// Runs as an allowed portal contact of a graded partner, on the two months of
// commissions booked by the Python test (TestPortalTour), at desktop and phone width.
registry.category("web_tour.tours").add("partner_commission_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The Commissions card shows the amount to be paid",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/commissions']:contains('100.00')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The totals: to be paid",
            trigger: ".o_commission_totals .o_commission_unpaid:contains('100.00')",
        },
        {
            content: "Paid: last month's commissions",
            trigger: ".o_commission_total_paid:contains('125.00')",
        },
        {
            content: "Only the paid rows",
            trigger: ".o_commission_total_paid",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back to all the rows",
            trigger: ".breadcrumb a[href='/my/home'], .o_portal_submenu",
        },
        {
            content: "Open a statement",
            trigger: ".o_commission_statements a:first",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The statement's closing balance",
            trigger: ".o_commission_statement_closing:contains('100.00')",
        },
        {
            content: "No PDF renderer here: the page says so",
            trigger: ".o_commission_pdf_unavailable",
        },
        {
            content: "Back to the commissions",
            trigger: ".breadcrumb a[href='/my/commissions']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Question a row",
            trigger: ".o_commission_question:visible summary",
            run: "click",
        },
        {
            content: "Write the question",
            trigger: ".o_commission_question[open]:visible textarea[name='question']",
            run: "edit Why is this row negative, tour check",
        },
        {
            content: "Send it",
            trigger: ".o_commission_question[open]:visible button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Sent, and listed as an open question",
            trigger: ".o_commission_questions .o_commission_question_item:contains('tour check') .badge:contains('Open')",
        },
    ],
});

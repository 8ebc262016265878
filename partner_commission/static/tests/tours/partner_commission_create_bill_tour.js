import { registry } from "@web/core/registry";

// A buyer on a confirmed commission RFQ (TestCreateBillFromTheForm): Create Bill opens the
// draft vendor bill of the commission.
registry.category("web_tour.tours").add("partner_commission_create_bill_tour", {
    steps: () => [
        {
            content: "Create the bill of the confirmed commission RFQ",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_create_invoice']",
            run: "click",
        },
        {
            content: "The draft vendor bill opens with the commission line",
            trigger: ".o_form_view .o_field_widget[name='invoice_line_ids'] .o_data_row:contains('Commission on')",
        },
        {
            content: "The bill is a draft",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
    ],
});

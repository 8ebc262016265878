import { registry } from "@web/core/registry";

// On a quotation of a referred customer (TestEstimateHover): hovering the estimated
// commission tells how the engine computed it.
registry.category("web_tour.tours").add("partner_commission_estimate_tour", {
    steps: () => [
        {
            content: "The estimate, with its explanation on hover",
            trigger: ".o_commission_estimate[title*='10 % of'][title*='tier 1 of 2']:contains('100.00')",
        },
    ],
});

import { registry } from "@web/core/registry";
import { MonetaryField, monetaryField } from "@web/views/fields/monetary/monetary_field";

/** The quotation's estimated commission, with the engine's explanation on hover. */
export class CommissionEstimateField extends MonetaryField {
    static template = "partner_commission.CommissionEstimateField";

    get explanation() {
        return this.props.record.data.commission_explanation || "";
    }
}

registry.category("fields").add("commission_estimate", {
    ...monetaryField,
    component: CommissionEstimateField,
});

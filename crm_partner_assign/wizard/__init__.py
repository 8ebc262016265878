from . import crm_lead_forward_to_partner

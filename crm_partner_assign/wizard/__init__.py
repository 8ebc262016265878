from . import crm_lead_forward_to_partner
from . import crm_lead_registration_review

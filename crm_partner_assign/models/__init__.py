from . import res_partner_activation
from . import res_partner_grade
from . import res_partner
from . import crm_lead
from . import sale_order
from . import crm_lead_portal

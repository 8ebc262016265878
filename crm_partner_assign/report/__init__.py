from . import crm_partner_report
from . import sale_report

from . import test_portal_commission
from . import test_portal_statement_email

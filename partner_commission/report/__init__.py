from . import commission_statement_report

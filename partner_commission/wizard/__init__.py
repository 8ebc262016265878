from . import commission_reject
from . import commission_adjustment
from . import commission_simulation

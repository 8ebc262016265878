# Thin wrappers over scripts/ (see README.md). Settings come from the environment:
# ODOO_PYTHON, ODOO_PORT, ODOO_DB, ODOO_TEST_DB, PGHOST/PGPORT/PGUSER/PGPASSWORD.
.PHONY: run test lint bench i18n screenshots clean
run:    ## start the demo on http://localhost:8069
	bash scripts/run.sh
test:   ## linters + fresh database + every test
	bash scripts/test.sh $(PYTEST_ARGS)
lint:
	bash scripts/lint.sh
bench:  ## commission benchmark (partner_commission)
	bash scripts/bench.sh $(BENCH_ARGS)
i18n:   ## regenerate the translation templates from the test database
	bash scripts/i18n.sh
clean:  ## stop the private PostgreSQL and remove .data/
	bash scripts/clean.sh

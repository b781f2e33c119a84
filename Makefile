# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export ACADEMY_ENV ?= development
PYTEST_WORKERS ?= 2

.PHONY: run test lint format install translations db demo messages clean

run: install translations db demo ## set up everything and serve the demo on PORT
	@echo
	@echo "  KEINO Academy is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: demo):"
	@echo "    coordinator@example.org   coordinator"
	@echo "    trainer@example.org       trainer"
	@echo "    participant@example.org   participant"
	@echo
	$(BIN)/academy run --host 127.0.0.1 --port $(PORT)

test: install translations lint ## install, check style and run the whole suite
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

translations: install
	$(BIN)/pybabel -q compile -d academy/translations

messages: install ## extract strings and update the fi/sv catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -o academy/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i academy/translations/messages.pot -d academy/translations --no-fuzzy-matching --ignore-obsolete

db: install
	$(BIN)/academy db upgrade

demo: install
	$(BIN)/academy demo

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

# Kipinä: `make run` serves it, `make test` tests it. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Serving needs only the runtime packages; the test and lint tools come with `make test`/`make lint`.
VERSION_OF_DEPS := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
SERVE := $(VENV)/.serve-$(VERSION_OF_DEPS)
DEV := $(VENV)/.dev-$(VERSION_OF_DEPS)

.PHONY: run test chromium poppler screenshots examples lint demo rebuild bench messages clean

$(SERVE): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.serve-* $(VENV)/.installed-*
	touch $(SERVE)

$(DEV): $(SERVE)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.dev-*
	touch $(DEV)

run: $(SERVE)
	$(BIN)/python -m scripts.run

# Two worker processes (pytest-xdist); the tests that read the whole demo collection share
# one worker (--dist loadgroup), so it is collected once.
test: $(DEV) chromium poppler
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# The browser tests drive Debian's Chromium (never a downloaded one).
chromium:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# The export tests read PDFs as a person would: text with pdftotext, pages as PNG with pdftoppm.
poppler:
	command -v pdftoppm >/dev/null || (apt-get update && apt-get install -y poppler-utils)

# docs/examples: the 3W seminar pack and Oulunkaari's practice from the demo data, and their
# pages as PNG (pdftoppm for the PDF; LibreOffice turns the deck into a PDF first).
examples: $(DEV) poppler
	command -v soffice >/dev/null || (apt-get update && apt-get install -y --no-install-recommends libreoffice-impress)
	$(BIN)/python -m scripts.make_examples docs/examples

# Screenshots of the main pages with the demo data, for the README.
screenshots: $(DEV) chromium
	KIPINA_SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest tests/e2e/test_screenshots.py -q -p no:cacheprovider

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

demo: $(SERVE)
	$(BIN)/python -m scripts.demo

rebuild: $(SERVE)
	$(BIN)/python -m scripts.rebuild

bench: $(SERVE)
	$(BIN)/python -m scripts.bench $(BENCH_ARGS)

messages: $(SERVE)
	$(BIN)/pybabel extract -F babel.cfg -k InvalidField:2 -k RuleViolation:1 -k IllegalTransition:1 \
		-k RecordNotFound:1 -k StaleVersion:1 -k ConcurrentChange:1 -k DomainError:1 \
		-k N_ -k _ -k gettext -k ngettext:1,2 --no-location --sort-output --project=Kipinä \
		-o present/locale/messages.pot .
	for lang in fi sv en; do \
		$(BIN)/pybabel update -i present/locale/messages.pot -d present/locale -D messages -l $$lang \
			--init-missing --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info

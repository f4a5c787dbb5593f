# The two commands of the README: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= ../shared/corpus

# PostgreSQL: the multi-process tests start a throwaway cluster of their own (tests/servers.py).
SYSTEM_PACKAGES := chromium fonts-noto-cjk libreoffice-writer-nogui postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install system-deps run test lint bench screenshots clean

install: system-deps $(STAMP)

# Debian's Chromium renders the PDF fixtures and drives the browser tests; LibreOffice Writer renders
# the DOCX fixtures to PDF; the CJK font gives rendered pages a Chinese text layer.
system-deps:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); }

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned in the same command: unpinned, a dependency would pull a multi-GB CUDA build.
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet torch==2.13.0 -e '.[test]'
	touch $(STAMP)

HOST ?= 127.0.0.1
PORT ?= 8000

run: install
	$(BIN)/nianbao ingest samples/
	$(BIN)/nianbao serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/pytest

# The README's screenshots, taken by the browser tests; `make test` never writes to the work tree.
screenshots: install
	NIANBAO_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/ui/test_browser.py

bench: install
	$(BIN)/python bench/extract_accuracy.py --corpus $(CORPUS)
	$(BIN)/python bench/ocr_accuracy.py

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache

# The front door: `make run` (branch POS with demo data) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 5000
POS_SITE ?= CAFE03
export POS_SITE

.PHONY: run test venv system lint format bench clean central-demo install

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || bash scripts/ensure-system.sh venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

system:
	bash scripts/ensure-system.sh

run: venv
	$(BIN)/pos init
	$(BIN)/pos demo --day
	@echo ""
	@echo "  꿈이든 POS  ->  http://localhost:$(PORT)/  (태블릿에서는 http://<이 컴퓨터의 IP>:$(PORT)/)"
	@echo "  매장: $(POS_SITE)   데모 로그인 (예시 계정):"
	@if [ "$(POS_SITE)" = "GN-FAIR" ]; then \
	  echo "    경남 행사담당 (organiser)  PIN 1357, 또는 organiser / organiser1234"; \
	else \
	  echo "    김하늘 (cashier3)  PIN 1234      이바다 (cashier3b)  PIN 5678"; \
	  echo "    하루장터 데모: POS_SITE=GN-FAIR make run"; \
	fi
	@echo "    manager / manager1234 (승인 PIN 2580)   admin / admin1234"
	@echo "    바 주문 현황판: http://localhost:$(PORT)/bar"
	@echo ""
	$(BIN)/pos serve --host 0.0.0.0 --port $(PORT)

test: venv system
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:cacheprovider

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# a central store on PostgreSQL and two branches (CAFE03, CAFE07) on one machine
central-demo: venv system
	bash scripts/central-demo.sh

# the branch server as a service that starts on boot (run as root: sudo make install); after
# `git pull` the same command backs up, migrates and restarts
install: venv
	$(BIN)/pos install --port $(PORT)

bench: venv
	$(BIN)/python bench/checkout.py

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts

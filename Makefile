# vnstock-api — make run (server on embedded defaults), make test (everything).
GO        ?= go
BIN       := bin/vnstock-api
PKGS      := ./...
# Streams and load tests hold many sockets: raise the soft open-file limit
# to the hard limit (20,000 here) for the targets that need it.
ULIMIT    := ulimit -n $$(ulimit -Hn) 2>/dev/null || true;

.PHONY: run build test test-short race lint fuzz bench bench-hub bench-ws docker clean screenshots

run:
	@$(ULIMIT) $(GO) run ./cmd/vnstock-api serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/vnstock-api

# The serverless query half (deploy/lambda): the bootstrap binary of the
# provided.al2023 runtime on arm64, and the zip that deploys it.
.PHONY: lambda
lambda:
	@mkdir -p bin/lambda
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -trimpath -tags lambda.norpc -ldflags='-s -w' -o bin/lambda/bootstrap ./cmd/vnstock-api-lambda
	cd bin/lambda && rm -f bootstrap.zip && zip -q -X bootstrap.zip bootstrap

test:
	@$(ULIMIT) $(GO) vet $(PKGS) && $(GO) test -race -count=1 -timeout 20m $(PKGS)

test-short:
	$(GO) test -count=1 -short $(PKGS)

lint:
	@test -z "$$(gofmt -l .)" || (gofmt -l .; echo "gofmt: files above need formatting"; exit 1)
	$(GO) vet $(PKGS)

# Each parser's fuzzer for a short while (CI runs the seed corpora in make test).
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseTopic -fuzztime 20s ./market
	$(GO) test -run '^$$' -fuzz FuzzParseClientMessage -fuzztime 20s ./api/ws

bench-hub:
	$(GO) test -run '^$$' -bench . -benchmem ./hub ./market ./feeds

# Fan-out load: server and load tool on this machine over loopback.
# Override CLIENTS, RATE, DURATION, TRANSPORT (ws|sse).
CLIENTS   ?= 1000
RATE      ?= 2000
DURATION  ?= 20s
TRANSPORT ?= ws
bench-ws: build
	@$(ULIMIT) ./scripts/bench-fanout.sh $(TRANSPORT) $(CLIENTS) $(RATE) $(DURATION)

# The published suite (BENCHMARKS.md): every load, each measured for 10 s,
# about 5 minutes in all; writes the table to $(RESULTS).
RESULTS   ?= docs/bench/latest.md
bench: build
	@$(ULIMIT) ./scripts/bench-all.sh $(RESULTS)

# The README's dashboard screenshots (docs/board.png, docs/symbol.png): the
# binary with the sim feed in headless Chromium (apt-get install -y chromium).
screenshots:
	@mkdir -p docs
	VNSTOCK_E2E=1 VNSTOCK_SCREENSHOTS=$(CURDIR)/docs $(GO) test ./web -run '^TestScreenshots$$' -count=1 -v

docker:
	docker build -t vnstock-api .

clean:
	rm -rf bin

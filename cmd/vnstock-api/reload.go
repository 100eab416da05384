package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/market"
)

// reloadable is the upstream feed chain, rebuilt for a new watchlist while
// the server runs (SIGHUP re-reads VNSTOCK_WATCHLIST_FILE).
type reloadable struct {
	name    string
	build   func(watchlist []string) (feeds.Feed, error)
	updates chan []string
	log     *slog.Logger

	mu      sync.Mutex
	current []string
}

// watchlist returns the items the chain follows now.
func (r *reloadable) watchlist() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.current
}

func newReloadable(name string, watchlist []string, build func([]string) (feeds.Feed, error), log *slog.Logger) *reloadable {
	return &reloadable{name: name, build: build, updates: make(chan []string, 1), current: watchlist, log: log}
}

// Name is the chain's stable name (leases are taken under it).
func (r *reloadable) Name() string { return r.name }

// Reload hands a new watchlist to the running chain; a newer one replaces
// one not yet applied.
func (r *reloadable) Reload(items []string) {
	for {
		select {
		case r.updates <- items:
			return
		default:
			select {
			case <-r.updates:
			default:
			}
		}
	}
}

// Run runs the chain, restarting it on each new watchlist, until ctx ends.
func (r *reloadable) Run(ctx context.Context, pub feeds.Publisher) error {
	for {
		f, err := r.build(r.watchlist())
		if err != nil {
			return err
		}
		fctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- f.Run(fctx, pub) }()
		select {
		case <-ctx.Done():
			cancel()
			<-done
			return nil
		case items := <-r.updates:
			cancel()
			<-done
			r.log.Info("watchlist reloaded; live feeds restarted", "source", r.name, "watchlist", items)
			r.mu.Lock()
			r.current = items
			r.mu.Unlock()
		case err := <-done:
			cancel()
			return err
		}
	}
}

// readWatchlist reads symbols and @GROUPs from a file: commas or newlines
// between items, # starts a comment. It checks them against dir.
func readWatchlist(path string, dir *market.Directory) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("watchlist file: %w", err)
	}
	var items []string
	for line := range strings.SplitSeq(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		items = append(items, splitList(line)...)
	}
	if len(items) == 0 {
		return nil, errors.New("watchlist file: no symbols or @GROUPs")
	}
	if _, err := watchlist(items, dir); err != nil {
		return nil, err
	}
	return items, nil
}

// watchHUP re-reads the watchlist file on each SIGHUP until ctx ends. It
// also keeps SIGHUP from ending the process when no file is configured.
func (s *server) watchHUP(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		if s.cfg.WatchlistFile == "" || s.chain == nil {
			s.log.Info("SIGHUP: nothing to reload (no --watchlist-file or no upstream feed)")
			continue
		}
		items, err := readWatchlist(s.cfg.WatchlistFile, s.dir)
		if err != nil {
			s.log.Error("SIGHUP: watchlist not reloaded", "err", err)
			continue
		}
		s.chain.Reload(items)
	}
}

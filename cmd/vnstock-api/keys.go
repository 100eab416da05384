package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

const keysUsage = `usage: vnstock-api keys <command> [flags]
  create --name N --scopes read,stream[,admin] [--ttl 720h] [--rps 50 --burst 100 --daily 0 --max-streams 100]
  list
  rotate <id> [--grace 24h]
  revoke <id>
  usage [--key ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
The store is the server's: DATABASE_URL, or the SQLite file in VNSTOCK_DATA_DIR.`

// keysCmd manages API keys in the server's store. A created or rotated key
// is printed once, here, and never again.
func keysCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", keysUsage)
	}
	sub, rest := args[0], args[1:]
	cfg, err := parseConfig(nil, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	ks := &auth.Keys{Store: st}
	switch sub {
	case "create":
		return keysCreate(ctx, ks, rest, stdout, stderr)
	case "list":
		return keysList(ctx, ks, stdout)
	case "rotate", "revoke":
		return keysChange(ctx, ks, sub, rest, stdout, stderr)
	case "usage":
		return keysShowUsage(ctx, st, rest, stdout, stderr)
	}
	return fmt.Errorf("unknown keys command %q\n%s", sub, keysUsage)
}

func keysCreate(ctx context.Context, ks *auth.Keys, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "a label for the key")
	scopes := fs.String("scopes", "read,stream", "comma list of read, stream, admin")
	ttl := fs.Duration("ttl", 0, "lifetime, 0 = never expires")
	rps := fs.Float64("rps", 0, "requests per second (0 = the default plan)")
	burst := fs.Int("burst", 0, "burst")
	daily := fs.Int64("daily", 0, "daily request quota, 0 = none")
	streams := fs.Int("max-streams", 0, "concurrent streams (0 = the default plan's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	plan := storage.Plan{}
	if *rps > 0 || *streams > 0 || *daily > 0 {
		plan = auth.DefaultPlan()
		if *rps > 0 {
			plan.RPS, plan.Burst = *rps, max(*burst, 1)
		}
		if *streams > 0 {
			plan.MaxStreams = *streams
		}
		plan.DailyQuota = *daily
	}
	plain, k, err := ks.Create(ctx, auth.NewKey{Name: *name, Scopes: splitList(*scopes), Plan: plan, TTL: *ttl})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s) scopes=%s\n%s\nThis is the only time the key is shown.\n",
		k.ID, k.Prefix, strings.Join(k.Scopes, ","), plain)
	return nil
}

func keysList(ctx context.Context, ks *auth.Keys, stdout io.Writer) error {
	list, err := ks.Store.ListKeys(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-20s %-13s %-18s %-10s %-25s %s\n", "ID", "PREFIX", "SCOPES", "STATE", "EXPIRES", "NAME")
	now := time.Now()
	for _, k := range list {
		state, exp := "active", "never"
		if !k.ExpiresAt.IsZero() {
			exp = k.ExpiresAt.In(market.ICT).Format(time.RFC3339)
			if !now.Before(k.ExpiresAt) {
				state = "expired"
			}
		}
		if k.Revoked {
			state = "revoked"
		}
		fmt.Fprintf(stdout, "%-20s %-13s %-18s %-10s %-25s %s\n", k.ID, k.Prefix, strings.Join(k.Scopes, ","), state, exp, k.Name)
	}
	return nil
}

func keysChange(ctx context.Context, ks *auth.Keys, sub string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	grace := fs.Duration("grace", 24*time.Hour, "rotate: how long the old key keeps working")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("keys %s: give the key id first", sub)
	}
	id := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if sub == "revoke" {
		k, err := ks.Revoke(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %s (%s)\n", k.ID, k.Prefix)
		return nil
	}
	plain, k, err := ks.Rotate(ctx, id, *grace)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rotated %s -> %s (%s); the old key works for %s more\n%s\nThis is the only time the key is shown.\n",
		id, k.ID, k.Prefix, *grace, plain)
	return nil
}

func keysShowUsage(ctx context.Context, st storage.UsageStore, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys usage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "", "key id (all keys when empty)")
	today := market.Date(time.Now())
	from := fs.String("from", today.AddDate(0, 0, -30).Format(time.DateOnly), "first day")
	to := fs.String("to", today.Format(time.DateOnly), "last day")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err1 := time.ParseInLocation(time.DateOnly, *from, market.ICT)
	t, err2 := time.ParseInLocation(time.DateOnly, *to, market.ICT)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("keys usage: --from and --to are dates YYYY-MM-DD")
	}
	rows, err := st.Usage(ctx, *key, f, t)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	for _, r := range rows {
		if err := enc.Encode(map[string]any{"key_id": r.KeyID, "day": r.Day.In(market.ICT).Format(time.DateOnly),
			"class": r.Class, "requests": r.Requests, "stream_seconds": r.StreamSeconds, "events": r.Events, "bytes": r.Bytes}); err != nil {
			return err
		}
	}
	return nil
}

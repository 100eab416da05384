package storagetest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// newKey returns a stored-form key for the plain key "vk_live_<secret>".
func newKey(id, secret string, created time.Time) (storage.Key, string) {
	plain := "vk_live_" + secret
	sum := sha256.Sum256([]byte(plain))
	return storage.Key{
		ID: id, Prefix: plain[:12], Hash: sum[:], Name: "key " + id, Scopes: []string{"read", "stream"},
		Plan:      storage.Plan{RPS: 10.5, Burst: 20, DailyQuota: 100_000, MaxStreams: 3, MaxTopics: 50, MessagesPerS: 250},
		CreatedAt: created,
	}, plain
}

func testKeys(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	t0 := time.Date(2024, 3, 5, 10, 0, 0, 0, market.ICT)
	a, _ := newKey("k1", "AbC1secretsecretsecret1", t0)
	b, _ := newKey("k2", "XyZ9secretsecretsecret2", t0.Add(time.Hour))
	b.Scopes, b.ExpiresAt = []string{"admin"}, t0.AddDate(1, 0, 0)
	c, _ := newKey("k0", "QqQ0secretsecretsecret3", t0.Add(2*time.Hour))
	c.Scopes = nil
	for _, k := range []storage.Key{b, a, c} {
		must(t, s.CreateKey(ctx, k))
	}
	got, err := s.KeyByHash(ctx, b.Hash)
	must(t, err)
	if d := diff(b, got); d != "" {
		t.Errorf("KeyByHash (-want +got):\n%s", d)
	}
	inICT(t, "key created_at", got.CreatedAt)
	got, err = s.KeyByID(ctx, "k1")
	must(t, err)
	if d := diff(a, got); d != "" {
		t.Errorf("KeyByID (-want +got):\n%s", d)
	}
	list, err := s.ListKeys(ctx)
	must(t, err)
	if d := diff([]storage.Key{a, b, c}, list); d != "" {
		t.Errorf("ListKeys, oldest first (-want +got):\n%s", d)
	}

	upd := a
	upd.Name, upd.Scopes, upd.Revoked = "renamed", []string{"read"}, true
	upd.Plan.RPS, upd.Plan.DailyQuota = 1, 0
	upd.LastUsed, upd.ExpiresAt = t0.Add(5*time.Minute), t0.AddDate(0, 1, 0)
	// Hash, prefix and created_at are not mutable.
	upd2 := upd
	upd2.Hash, upd2.Prefix, upd2.CreatedAt = b.Hash, "other", t0.AddDate(-1, 0, 0)
	must(t, s.UpdateKey(ctx, upd2))
	got, err = s.KeyByID(ctx, "k1")
	must(t, err)
	if d := diff(upd, got); d != "" {
		t.Errorf("after UpdateKey (-want +got):\n%s", d)
	}
	// Clearing the times again.
	upd.LastUsed, upd.ExpiresAt = time.Time{}, time.Time{}
	must(t, s.UpdateKey(ctx, upd))
	got, err = s.KeyByHash(ctx, a.Hash)
	must(t, err)
	if d := diff(upd, got); d != "" {
		t.Errorf("after clearing times (-want +got):\n%s", d)
	}
	testKeysMissing(ctx, t, s, a)
}

func testKeysMissing(ctx context.Context, t *testing.T, s storage.Store, existing storage.Key) {
	t.Helper()
	unknown, _ := newKey("nope", "nonenonenonenonenone", time.Now())
	_, err := s.KeyByHash(ctx, unknown.Hash)
	wantErr(t, err, market.ErrNotFound, "KeyByHash of an unknown hash")
	_, err = s.KeyByID(ctx, "nope")
	wantErr(t, err, market.ErrNotFound, "KeyByID of an unknown id")
	wantErr(t, s.UpdateKey(ctx, unknown), market.ErrNotFound, "UpdateKey of an unknown id")

	sameID := unknown
	sameID.ID = existing.ID
	if err := s.CreateKey(ctx, sameID); err == nil {
		t.Error("CreateKey with an existing id succeeded")
	}
	sameHash, _ := newKey("fresh", "freshfreshfreshfresh", time.Now())
	sameHash.Hash = existing.Hash
	if err := s.CreateKey(ctx, sameHash); err == nil {
		t.Error("CreateKey with an existing hash succeeded")
	}
	// A zero CreatedAt means now.
	now, _ := newKey("now", "nownownownownow", time.Time{})
	must(t, s.CreateKey(ctx, now))
	got, err := s.KeyByID(ctx, "now")
	must(t, err)
	if time.Since(got.CreatedAt) > time.Minute || got.LastUsed != (time.Time{}) || got.ExpiresAt != (time.Time{}) {
		t.Errorf("key created without times reads back as created %v, last used %v, expires %v", got.CreatedAt, got.LastUsed, got.ExpiresAt)
	}
}

func testKeysInvalid(t *testing.T, s storage.Store) {
	ctx := ctxOf(t)
	k, plain := newKey("k1", "AbC1secretsecretsecret1", time.Now())
	tests := []struct {
		name string
		edit func(*storage.Key)
	}{
		{"no id", func(k *storage.Key) { k.ID = "" }},
		{"plain key as hash", func(k *storage.Key) { k.Hash = []byte(plain) }},
		{"no hash", func(k *storage.Key) { k.Hash = nil }},
		{"whole key as prefix", func(k *storage.Key) { k.Prefix = plain }},
	}
	for _, tc := range tests {
		bad := k
		tc.edit(&bad)
		wantErr(t, s.CreateKey(ctx, bad), market.ErrInvalid, tc.name)
	}
	list, err := s.ListKeys(ctx)
	must(t, err)
	if len(list) != 0 {
		t.Errorf("refused keys were stored: %v", list)
	}
}

// NoPlainKey creates a key in s and checks, through dump (every column of
// every row of the store's keys table, as text), that the table holds its
// hash and nothing of the plain key beyond the visible prefix.
func NoPlainKey(t *testing.T, s storage.Store, dump func(ctx context.Context) ([]string, error)) {
	t.Helper()
	ctx := ctxOf(t)
	secret := "S3cr3tPartOfTheKeyThatMustNeverBeStored"
	k, plain := newKey("leak", secret, time.Now())
	must(t, s.CreateKey(ctx, k))
	cells, err := dump(ctx)
	must(t, err)
	all := strings.ToLower(strings.Join(cells, "\x00"))
	if !strings.Contains(all, hex.EncodeToString(k.Hash)) {
		t.Fatalf("dump of the keys table lacks the key's hash %x: dump is not of that table", k.Hash)
	}
	forbidden := map[string]string{
		"plain key":             plain,
		"secret part":           secret,
		"hex of the plain key":  hex.EncodeToString([]byte(plain)),
		"hex of the secret":     hex.EncodeToString([]byte(secret)),
		"base64 of the key":     base64.StdEncoding.EncodeToString([]byte(plain)),
		"base64url of the key":  base64.RawURLEncoding.EncodeToString([]byte(plain)),
		"prefix plus more text": plain[:len(k.Prefix)+4],
	}
	for what, s := range forbidden {
		if strings.Contains(all, strings.ToLower(s)) {
			t.Errorf("keys table holds the %s", what)
		}
	}
}

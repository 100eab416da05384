package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// KeyStore is where keys live (storage.KeyStore).
type KeyStore interface {
	CreateKey(ctx context.Context, k storage.Key) error
	KeyByID(ctx context.Context, id string) (storage.Key, error)
	ListKeys(ctx context.Context) ([]storage.Key, error)
	UpdateKey(ctx context.Context, k storage.Key) error
}

// Keys issues, rotates and revokes API keys. The plain key exists only in
// the return value of Create and Rotate; the store gets its hash.
type Keys struct {
	Store KeyStore
	Now   func() time.Time
	Rand  io.Reader // crypto/rand when nil
}

// NewKey describes a key to create.
type NewKey struct {
	Name    string
	Scopes  []string
	Plan    storage.Plan  // zero: DefaultPlan at use
	TTL     time.Duration // 0: never expires
	Expires time.Time     // overrides TTL when set
}

// Create issues a key and returns it in plain text, once.
func (ks *Keys) Create(ctx context.Context, nk NewKey) (string, storage.Key, error) {
	if err := checkScopes(nk.Scopes); err != nil {
		return "", storage.Key{}, err
	}
	if len(nk.Name) > 200 {
		return "", storage.Key{}, market.Invalid("name", "at most 200 characters")
	}
	plain, err := NewSecret(ks.Rand)
	if err != nil {
		return "", storage.Key{}, err
	}
	id, err := ks.newID()
	if err != nil {
		return "", storage.Key{}, err
	}
	now := ks.now()
	k := storage.Key{ID: id, Prefix: Visible(plain), Hash: Hash(plain), Name: nk.Name,
		Scopes: slices.Clone(nk.Scopes), Plan: nk.Plan, CreatedAt: now, ExpiresAt: nk.Expires}
	if k.ExpiresAt.IsZero() && nk.TTL > 0 {
		k.ExpiresAt = now.Add(nk.TTL)
	}
	if err := ks.Store.CreateKey(ctx, k); err != nil {
		return "", storage.Key{}, fmt.Errorf("create key: %w", err)
	}
	return plain, k, nil
}

// Rotate issues a successor of key id with the same name, scopes and plan;
// the old key keeps working for grace, then expires by itself.
func (ks *Keys) Rotate(ctx context.Context, id string, grace time.Duration) (string, storage.Key, error) {
	old, err := ks.Store.KeyByID(ctx, id)
	if err != nil {
		return "", storage.Key{}, err
	}
	if old.Revoked {
		return "", storage.Key{}, market.Invalid("id", "key %s is revoked", id)
	}
	plain, k, err := ks.Create(ctx, NewKey{Name: old.Name, Scopes: old.Scopes, Plan: old.Plan})
	if err != nil {
		return "", storage.Key{}, err
	}
	end := ks.now().Add(max(grace, 0))
	if old.ExpiresAt.IsZero() || end.Before(old.ExpiresAt) {
		old.ExpiresAt = end
	}
	if err := ks.Store.UpdateKey(ctx, old); err != nil {
		return "", storage.Key{}, fmt.Errorf("rotate key %s: %w", id, err)
	}
	return plain, k, nil
}

// Revoke disables key id at once.
func (ks *Keys) Revoke(ctx context.Context, id string) (storage.Key, error) {
	k, err := ks.Store.KeyByID(ctx, id)
	if err != nil {
		return storage.Key{}, err
	}
	k.Revoked = true
	if err := ks.Store.UpdateKey(ctx, k); err != nil {
		return storage.Key{}, fmt.Errorf("revoke key %s: %w", id, err)
	}
	return k, nil
}

// Bootstrap creates an admin key when the store holds none and returns it
// (plain text, to be printed once); "" when keys already exist.
func (ks *Keys) Bootstrap(ctx context.Context) (string, error) {
	list, err := ks.Store.ListKeys(ctx)
	if err != nil {
		return "", fmt.Errorf("list keys: %w", err)
	}
	if len(list) > 0 {
		return "", nil
	}
	plain, _, err := ks.Create(ctx, NewKey{Name: "bootstrap admin", Scopes: []string{ScopeAdmin, ScopeRead, ScopeStream}})
	return plain, err
}

func (ks *Keys) newID() (string, error) {
	rnd := ks.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	var b [8]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("generate key id: %w", err)
	}
	return "key_" + hex.EncodeToString(b[:]), nil
}

func (ks *Keys) now() time.Time {
	if ks.Now != nil {
		return ks.Now()
	}
	return time.Now()
}

func checkScopes(scopes []string) error {
	if len(scopes) == 0 {
		return market.Invalid("scopes", "give at least one of read, stream, admin")
	}
	for _, s := range scopes {
		if s != ScopeRead && s != ScopeStream && s != ScopeAdmin {
			return market.Invalid("scopes", "%q is not one of read, stream, admin", s)
		}
	}
	return nil
}

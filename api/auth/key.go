// Package auth protects the API: API keys (only their SHA-256 is stored),
// scopes, per-key rate limits and quotas, concurrent-stream limits and usage
// counting, for REST, GraphQL and the live streams alike. It declares the
// small store and limiter interfaces it needs; storage implements them.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Key format: a fixed prefix naming the kind, then 32 random bytes in
// unpadded base64url (43 characters).
const (
	LivePrefix  = "vk_live_"
	secretBytes = 32
	secretChars = 43 // base64.RawURLEncoding.EncodedLen(32)
	// VisibleChars is how much of a key is shown in lists and logs.
	VisibleChars = len(LivePrefix) + 4
)

// Scopes a key may carry.
const (
	ScopeRead   = "read"   // REST and GraphQL queries
	ScopeStream = "stream" // WebSocket, SSE, GraphQL subscriptions
	ScopeAdmin  = "admin"  // key and usage administration, pprof
)

// ErrMalformedKey says a presented string cannot be a key of this server.
var ErrMalformedKey = errors.New("malformed api key")

// NewSecret returns a fresh key read from rnd (crypto/rand when nil).
func NewSecret(rnd io.Reader) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	var b [secretBytes]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	return LivePrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ParseKey checks that s has the shape of a key and returns it trimmed.
// It never echoes the key in its error.
func ParseKey(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, LivePrefix) || len(s) != len(LivePrefix)+secretChars {
		return "", ErrMalformedKey
	}
	for i := len(LivePrefix); i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", ErrMalformedKey
		}
	}
	return s, nil
}

// Hash is what the store keeps of a key: its SHA-256. Keys are 256-bit
// random, so a fast unsalted hash is enough (no dictionary to attack).
func Hash(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// Visible returns the part of a key that may be shown and logged.
func Visible(key string) string {
	if len(key) < VisibleChars {
		return ""
	}
	return key[:VisibleChars]
}

// equalHash compares two hashes in constant time.
func equalHash(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

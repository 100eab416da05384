package cache

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage/internal/testenv"
)

// store is what every cache implementation offers.
type store interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	Ping(ctx context.Context) error
}

// harness is one implementation under the contract suite; advance moves its
// clock forward (nil when it cannot, as with a real Redis server).
type harness struct {
	c       store
	advance func(time.Duration)
	ttl     func(key string) time.Duration // remaining TTL as the backend sees it
}

// testContract checks the behaviour the storage Service relies on.
func testContract(t *testing.T, newHarness func(t *testing.T) harness) {
	ctx := context.Background()
	t.Run("miss", func(t *testing.T) {
		h := newHarness(t)
		if v, ok, err := h.c.Get(ctx, "absent"); err != nil || ok || v != nil {
			t.Fatalf("Get(absent) = %q, %v, %v; want miss", v, ok, err)
		}
	})
	t.Run("set get overwrite", func(t *testing.T) {
		h := newHarness(t)
		for _, v := range []string{"one", "two"} {
			if err := h.c.Set(ctx, "k", []byte(v), time.Minute); err != nil {
				t.Fatal(err)
			}
			got, ok, err := h.c.Get(ctx, "k")
			if err != nil || !ok || string(got) != v {
				t.Fatalf("Get(k) = %q, %v, %v; want %q", got, ok, err, v)
			}
		}
	})
	t.Run("binary value", func(t *testing.T) {
		h := newHarness(t)
		val := []byte{0, 1, 2, 255, '\n', 0}
		if err := h.c.Set(ctx, "bin", val, time.Minute); err != nil {
			t.Fatal(err)
		}
		got, ok, _ := h.c.Get(ctx, "bin")
		if !ok || string(got) != string(val) {
			t.Fatalf("Get(bin) = %v, %v; want %v", got, ok, val)
		}
	})
	t.Run("zero ttl stores nothing", func(t *testing.T) {
		h := newHarness(t)
		if err := h.c.Set(ctx, "z", []byte("v"), 0); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := h.c.Get(ctx, "z"); ok {
			t.Fatal("an entry with ttl 0 was stored")
		}
	})
	t.Run("expiry", func(t *testing.T) {
		h := newHarness(t)
		if err := h.c.Set(ctx, "e", []byte("v"), 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if d := h.ttl("e"); d <= 0 || d > 10*time.Second {
			t.Fatalf("remaining ttl = %v, want (0, 10s]", d)
		}
		if h.advance == nil {
			return
		}
		h.advance(9 * time.Second)
		if _, ok, _ := h.c.Get(ctx, "e"); !ok {
			t.Fatal("entry gone before its ttl")
		}
		h.advance(2 * time.Second)
		if _, ok, _ := h.c.Get(ctx, "e"); ok {
			t.Fatal("entry still there after its ttl")
		}
	})
	t.Run("ping", func(t *testing.T) {
		if err := newHarness(t).c.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// fakeClock is an injected clock for the memory cache.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestMemoryContract(t *testing.T) {
	t.Parallel()
	testContract(t, func(t *testing.T) harness {
		clk := &fakeClock{t: time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)}
		m := NewMemory(MemoryConfig{Now: clk.Now})
		return harness{c: m, advance: clk.Add, ttl: func(key string) time.Duration {
			m.mu.Lock()
			defer m.mu.Unlock()
			if e := m.items[key]; e != nil {
				return e.expires.Sub(clk.Now())
			}
			return 0
		}}
	})
}

func TestMiniredisContract(t *testing.T) {
	t.Parallel()
	testContract(t, func(t *testing.T) harness {
		srv := miniredis.RunT(t)
		client := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		t.Cleanup(func() { _ = client.Close() })
		c := NewRedis(client, RedisConfig{})
		return harness{c: c, advance: srv.FastForward, ttl: func(key string) time.Duration { return srv.TTL(DefaultPrefix + key) }}
	})
}

// TestRedisContract runs the suite on a real Redis server: skipped when it
// is unreachable, failed when VNSTOCK_INTEGRATION=1.
func TestRedisContract(t *testing.T) {
	client := testenv.RedisOrSkip(t)
	n := 0
	testContract(t, func(t *testing.T) harness {
		n++
		prefix := fmt.Sprintf("vnstock:test:cache:%d:%d:", time.Now().UnixNano(), n)
		c := NewRedis(client, RedisConfig{Prefix: prefix})
		t.Cleanup(func() {
			keys, _ := client.Keys(context.Background(), prefix+"*").Result()
			if len(keys) > 0 {
				client.Del(context.Background(), keys...)
			}
		})
		return harness{c: c, ttl: func(key string) time.Duration {
			return client.PTTL(context.Background(), prefix+key).Val()
		}}
	})
}

func TestMemoryEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := NewMemory(MemoryConfig{MaxEntries: 3})
	for _, k := range []string{"a", "b", "c"} {
		_ = m.Set(ctx, k, []byte(k), time.Minute)
	}
	_, _, _ = m.Get(ctx, "a") // a is now the most recent; b the least
	_ = m.Set(ctx, "d", []byte("d"), time.Minute)
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if _, ok, _ := m.Get(ctx, k); ok != want {
			t.Errorf("Get(%s) present = %v, want %v", k, ok, want)
		}
	}
	if m.Len() != 3 {
		t.Errorf("Len = %d, want 3", m.Len())
	}
}

func TestMemoryByteBound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	val := []byte(strings.Repeat("x", 1000))
	m := NewMemory(MemoryConfig{MaxBytes: 3 * (1000 + 2 + entryOverhead)})
	for i := range 10 {
		_ = m.Set(ctx, fmt.Sprintf("k%d", i), val, time.Minute)
		if m.Bytes() > 3*(1000+2+entryOverhead) {
			t.Fatalf("after %d sets Bytes = %d, over the bound", i+1, m.Bytes())
		}
	}
	if m.Len() != 3 {
		t.Fatalf("Len = %d, want 3", m.Len())
	}
	for _, k := range []string{"k7", "k8", "k9"} {
		if _, ok, _ := m.Get(ctx, k); !ok {
			t.Errorf("newest entry %s evicted", k)
		}
	}
	// A value larger than the whole cache is refused, not stored half.
	_ = m.Set(ctx, "huge", make([]byte, 10_000), time.Minute)
	if _, ok, _ := m.Get(ctx, "huge"); ok {
		t.Error("value larger than MaxBytes stored")
	}
	if _, ok, _ := m.Get(ctx, "k9"); !ok {
		t.Error("refusing a huge value evicted k9")
	}
}

func TestMemoryReplaceKeepsAccounting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := NewMemory(MemoryConfig{})
	_ = m.Set(ctx, "k", make([]byte, 500), time.Minute)
	_ = m.Set(ctx, "k", make([]byte, 100), time.Minute)
	if want := int64(1 + 100 + entryOverhead); m.Bytes() != want {
		t.Fatalf("Bytes = %d, want %d", m.Bytes(), want)
	}
	_ = m.Set(ctx, "k", nil, 0)
	if m.Bytes() != 0 || m.Len() != 0 {
		t.Fatalf("after removing: Bytes = %d, Len = %d; want 0, 0", m.Bytes(), m.Len())
	}
}

func TestMemoryConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := NewMemory(MemoryConfig{MaxEntries: 50})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				k := fmt.Sprintf("k%d", (g*7+i)%100)
				if i%3 == 0 {
					_ = m.Set(ctx, k, []byte(k), time.Minute)
				} else if v, ok, _ := m.Get(ctx, k); ok && string(v) != k {
					t.Errorf("Get(%s) = %q", k, v)
				}
			}
		})
	}
	wg.Wait()
	if m.Len() > 50 {
		t.Fatalf("Len = %d, over MaxEntries", m.Len())
	}
}

func TestClassOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cap  market.Capability
		want Class
	}{
		{"board", "board", ClassBoard},
		{"depth", "depth", ClassBoard},
		{"trades", "trades", ClassIntraday},
		{"ohlcv", "ohlcv", ClassClosedBars},
		{"equities", "equities", ClassListing},
		{"search", "search", ClassListing},
		{"company", "company", ClassCompany},
		{"news", "news", ClassCompany},
		{"ratios", "ratios", ClassFinancials},
		{"fund nav", "fund_nav", ClassFund},
		{"gold", "gold", ClassRetail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ClassOf(tt.cap); got != tt.want {
				t.Errorf("ClassOf(%s) = %s, want %s", tt.cap, got, tt.want)
			}
		})
	}
}

func TestTTLsFor(t *testing.T) {
	t.Parallel()
	ttls := TTLs{ClassBoard: time.Second}
	if got := ttls.For(ClassBoard); got != time.Second {
		t.Errorf("override: got %v", got)
	}
	if got := ttls.For(ClassCompany); got != 24*time.Hour {
		t.Errorf("default: got %v", got)
	}
	if got := ttls.For("unknown"); got != time.Minute {
		t.Errorf("unknown: got %v", got)
	}
	if DefaultTTLs().For(ClassBoard) >= DefaultTTLs().For(ClassCompany) {
		t.Error("board data outlives company documents")
	}
}

func BenchmarkMemoryGet(b *testing.B) {
	ctx := context.Background()
	m := NewMemory(MemoryConfig{})
	_ = m.Set(ctx, "ohlcv|sym=VNM|iv=1D", make([]byte, 12_000), time.Hour)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok, _ := m.Get(ctx, "ohlcv|sym=VNM|iv=1D"); !ok {
				b.Fatal("miss")
			}
		}
	})
}

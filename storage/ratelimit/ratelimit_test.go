package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/vnstock-api/vnstock-api/storage/internal/testenv"
)

func clients(t *testing.T) map[string]redis.UniversalClient {
	mr := miniredis.RunT(t)
	return map[string]redis.UniversalClient{
		"miniredis": redis.NewClient(&redis.Options{Addr: mr.Addr()}),
		"redis":     testenv.RedisOrSkip(t),
	}
}

func TestBurstThenRefuse(t *testing.T) {
	for name, rdb := range clients(t) {
		t.Run(name, func(t *testing.T) {
			l := New(rdb, "test:rl:"+t.Name()+":")
			ctx := context.Background()
			rdb.Del(ctx, "test:rl:"+t.Name()+":s")
			allowed := 0
			var last Decision
			for range 8 {
				d, err := l.Allow(ctx, "s", 0.5, 5, 0)
				if err != nil {
					t.Fatal(err)
				}
				if d.Allowed {
					allowed++
				}
				last = d
			}
			if allowed != 5 {
				t.Fatalf("allowed %d of a burst of 5", allowed)
			}
			if last.RetryAfter <= 0 || last.Remaining != 0 {
				t.Fatalf("refusal %+v lacks retry-after", last)
			}
		})
	}
}

func TestDailyQuota(t *testing.T) {
	for name, rdb := range clients(t) {
		t.Run(name, func(t *testing.T) {
			l := New(rdb, "test:rlq:"+t.Name()+":")
			ctx := context.Background()
			keys, _ := rdb.Keys(ctx, "test:rlq:"+t.Name()+":*").Result()
			if len(keys) > 0 {
				rdb.Del(ctx, keys...)
			}
			for i := range 3 {
				if d, _ := l.Allow(ctx, "q", 1000, 1000, 3); !d.Allowed {
					t.Fatalf("request %d refused", i)
				}
			}
			d, err := l.Allow(ctx, "q", 1000, 1000, 3)
			if err != nil || d.Allowed || !d.Quota {
				t.Fatalf("fourth request: %+v %v, want a quota refusal", d, err)
			}
		})
	}
}

// TestSharedAcrossInstances is the cross-instance property: two limiters
// (two instances) on one Redis hand out, together, no more than one burst.
func TestSharedAcrossInstances(t *testing.T) {
	rdb := testenv.RedisOrSkip(t)
	prefix := "test:rls:" + t.Name() + ":"
	ctx := context.Background()
	rdb.Del(ctx, prefix+"shared")
	opt := rdb.Options()
	a, b := New(redis.NewClient(opt), prefix), New(redis.NewClient(opt), prefix)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for _, l := range []*Redis{a, b} {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 25 {
					if d, err := l.Allow(ctx, "shared", 0.1, 20, 0); err == nil && d.Allowed {
						allowed.Add(1)
					}
				}
			}()
		}
	}
	wg.Wait()
	// 200 requests in well under a second at 0.1/s: exactly the burst, maybe one refill.
	if n := allowed.Load(); n < 20 || n > 21 {
		t.Fatalf("two instances allowed %d, want the shared burst of 20 (+1)", n)
	}
}

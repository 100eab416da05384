package upstream

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// blockingDoer answers every request with its URL once release is closed.
type blockingDoer struct {
	calls   atomic.Int64
	release chan struct{}
}

func (d *blockingDoer) Do(ctx context.Context, req Request) ([]byte, error) {
	d.calls.Add(1)
	select {
	case <-d.release:
		return []byte(req.URL + string(req.Body)), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestResilientSingleflight(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &blockingDoer{release: make(chan struct{})}
		r := NewResilient(d, Policy{Source: "test", RPS: 0})
		reqs := []Request{
			{URL: "http://u/a", Body: []byte(`{"x":1}`)},
			{URL: "http://u/a", Body: []byte(`{"x":1}`)},
			{URL: "http://u/a", Body: []byte(`{"x":1}`)},
			{URL: "http://u/a", Body: []byte(`{"x":2}`)}, // another body: its own call
			{URL: "http://u/a", Method: "PUT", Body: []byte(`{"x":1}`)},
		}
		bodies := make([][]byte, len(reqs))
		var wg sync.WaitGroup
		for i, req := range reqs {
			wg.Go(func() {
				b, err := r.Do(t.Context(), req)
				if err != nil {
					t.Errorf("Do %d: %v", i, err)
				}
				bodies[i] = b
			})
		}
		synctest.Wait()
		if got := d.calls.Load(); got != 3 {
			t.Fatalf("%d upstream calls for 3 distinct requests", got)
		}
		close(d.release)
		wg.Wait()
		bodies[0][0] = 'X' // each caller owns its copy
		if string(bodies[1]) != `http://u/a{"x":1}` || string(bodies[3]) != `http://u/a{"x":2}` {
			t.Fatalf("bodies %q", bodies)
		}
		if st := r.State(); st.Requests != 5 || st.Flights != 3 {
			t.Fatalf("state %+v, want 5 requests in 3 flights", st)
		}
	})
}

func TestResilientSingleflightLeaderGivesUp(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &blockingDoer{release: make(chan struct{})}
		r := NewResilient(d, Policy{Source: "test"})
		req := Request{URL: "http://u/b"}
		leaderCtx, cancel := context.WithCancel(t.Context())
		leaderErr := make(chan error, 1)
		go func() {
			_, err := r.Do(leaderCtx, req)
			leaderErr <- err
		}()
		synctest.Wait()
		var body []byte
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			body, err = r.Do(t.Context(), req)
		}()
		synctest.Wait()
		cancel() // the follower must run the request itself
		if lerr := <-leaderErr; !errors.Is(lerr, context.Canceled) {
			t.Fatalf("leader: %v", lerr)
		}
		synctest.Wait()
		close(d.release)
		<-done
		if err != nil || string(body) != "http://u/b" {
			t.Fatalf("follower: %q, %v", body, err)
		}
		if got := d.calls.Load(); got != 2 {
			t.Fatalf("%d upstream calls, want 2 (abandoned + follower's own)", got)
		}
	})
}

func TestResilientHalfOpenSingleProbe(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fail := true
		var mu sync.Mutex
		d := &blockingDoer{release: make(chan struct{})}
		inner := doerFunc(func(ctx context.Context, req Request) ([]byte, error) {
			mu.Lock()
			f := fail
			mu.Unlock()
			if f {
				return nil, &StatusError{Source: "test", Status: 500}
			}
			return d.Do(ctx, req)
		})
		p := Policy{Source: "test", MaxRetries: 0, FailureThreshold: 1, Cooldown: time.Minute}
		r := NewResilient(inner, p) // synctest's fake time drives time.Now
		if _, err := r.Do(t.Context(), Request{URL: "http://u/1"}); err == nil {
			t.Fatal("want a failure")
		}
		time.Sleep(time.Minute) // fake time inside the bubble
		mu.Lock()
		fail = false
		mu.Unlock()
		probeDone := make(chan error, 1)
		go func() {
			_, err := r.Do(t.Context(), Request{URL: "http://u/probe"})
			probeDone <- err
		}()
		synctest.Wait() // the probe is in flight
		if _, err := r.Do(t.Context(), Request{URL: "http://u/other"}); !errors.Is(err, ErrBreakerOpen) {
			t.Fatalf("second call during the probe: %v, want ErrBreakerOpen", err)
		}
		close(d.release)
		if err := <-probeDone; err != nil {
			t.Fatalf("probe: %v", err)
		}
		if st := r.State(); st.Breaker != BreakerClosed {
			t.Fatalf("after probe: %s", st.Breaker)
		}
	})
}

// Package msn reads FX, crypto and world-index daily bars from MSN Money
// (assets.msn.com, upstream.md §5): an API key from MSN's app config, then
// Finance/Charts/TimeRange (Cryptocurrency/chart for crypto) per
// instrument. It answers market.CapOHLCV for Query.Asset forex, commodity
// (gold/silver against USD), crypto and index (world indices only; the
// Vietnamese ones are KBS's and VCI's) at 1D, 1W and 1M, and
// market.CapExchangeRates from the VND pairs as a fallback for Vietcombank.
package msn

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// Name is the source name.
const Name = "msn"

// DefaultBaseURL is MSN's asset host; the config resolver and the finance
// service both hang off it.
const DefaultBaseURL = "https://assets.msn.com"

// Config configures the source. Zero fields take the defaults.
type Config struct {
	BaseURL    string           // default DefaultBaseURL; fakeupstream: server URL + "/msn"
	Doer       upstream.Doer    // default upstream.NewClient for "msn"
	Now        func() time.Time // default time.Now
	APIVersion string           // app-config version vnstock pins; default "20240430"
	KeyTTL     time.Duration    // how long an API key is reused; default 6 h
}

// Source answers queries from MSN. Safe for concurrent use.
type Source struct {
	cfg Config

	mu    sync.Mutex
	key   string
	keyAt time.Time
}

var _ feeds.Source = (*Source)(nil)

// New returns the source with cfg's zero fields set to the defaults.
func New(cfg Config) *Source {
	cfg.BaseURL = upstream.BaseURL(cfg.BaseURL, DefaultBaseURL)
	cfg.Doer = upstream.DoerOr(cfg.Doer, Name)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = "20240430"
	}
	if cfg.KeyTTL <= 0 {
		cfg.KeyTTL = 6 * time.Hour
	}
	return &Source{cfg: cfg}
}

// Name returns "msn".
func (s *Source) Name() string { return Name }

// Fetch implements feeds.Source.
func (s *Source) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	switch q.Capability {
	case market.CapOHLCV:
		return s.ohlcv(ctx, q)
	case market.CapExchangeRates:
		return s.exchangeRates(ctx, q)
	}
	return market.Result{}, fmt.Errorf("msn: %s: %w", q.Capability, market.ErrUnsupported)
}

// scope is the targetScope of the app-config request (vnstock's).
const scope = `{"audienceMode":"adult","browser":{"browserType":"chrome","version":"0","ismobile":"false"},` +
	`"deviceFormFactor":"desktop","domain":"www.msn.com","locale":{"content":{"language":"vi","market":"vn"},` +
	`"display":{"language":"vi","market":"vn"}},"ocid":"hpmsn","os":"macos","platform":"web","pageType":"financestockdetails"}`

// apiKey returns a cached key, fetching a new one when it is missing,
// expired or refresh is set.
func (s *Source) apiKey(ctx context.Context, refresh bool) (string, error) {
	now := s.cfg.Now()
	s.mu.Lock()
	key, at := s.key, s.keyAt
	s.mu.Unlock()
	if !refresh && key != "" && now.Sub(at) < s.cfg.KeyTTL {
		return key, nil
	}
	body, err := s.cfg.Doer.Do(ctx, upstream.Request{
		URL: s.cfg.BaseURL + "/resolver/api/resolve/v3/config/",
		Query: url.Values{"expType": {"AppConfig"}, "expInstance": {"default"}, "apptype": {"finance"},
			"v": {s.cfg.APIVersion + ".168"}, "targetScope": {scope}},
		Header: headers(), Capability: "apikey",
	})
	if err != nil {
		return "", fmt.Errorf("msn api key: %w", err)
	}
	key, err = parseAPIKey(body)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.key, s.keyAt = key, now
	s.mu.Unlock()
	return key, nil
}

// parseAPIKey reads configs["shared/msn-ns/HoroscopeAnswerCardWC/default"]
// .properties.horoscopeAnswerServiceClientSettings.apikey.
func parseAPIKey(body []byte) (string, error) {
	var resp struct {
		Configs map[string]struct {
			Properties struct {
				Settings struct {
					APIKey string `json:"apikey"`
				} `json:"horoscopeAnswerServiceClientSettings"`
			} `json:"properties"`
		} `json:"configs"`
	}
	const field = "configs.shared/msn-ns/HoroscopeAnswerCardWC/default.properties.horoscopeAnswerServiceClientSettings.apikey"
	if err := json.Unmarshal(body, &resp); err != nil {
		return "", &market.SchemaError{Source: Name, Field: "body", Msg: err.Error()}
	}
	key := strings.TrimSpace(resp.Configs["shared/msn-ns/HoroscopeAnswerCardWC/default"].Properties.Settings.APIKey)
	if key == "" {
		return "", &market.SchemaError{Source: Name, Field: field, Msg: "missing"}
	}
	return key, nil
}

func headers() http.Header {
	h := http.Header{}
	h.Set("Referer", "https://www.msn.com/")
	h.Set("Origin", "https://www.msn.com")
	return h
}

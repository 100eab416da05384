package feeds

import (
	"context"

	"github.com/vnstock-api/vnstock-api/market"
)

// Source is one upstream's answer to queries. Fetch returns ErrUnsupported
// (wrapped) for capabilities the source lacks, market.ErrNotFound for an
// unknown symbol, a market.ErrUpstream-wrapped error when the upstream
// failed, and a *market.SchemaError when its bytes did not parse.
// Implementations are safe for concurrent use.
type Source interface {
	Name() string
	Fetch(ctx context.Context, q market.Query) (market.Result, error)
}

// ErrUnsupported is market.ErrUnsupported, named here for source authors.
var ErrUnsupported = market.ErrUnsupported

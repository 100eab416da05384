package gen

// This file is hand-written: it lets the shared subscription renderer
// (api/graph/render.go) use the generated argument parsers and marshallers,
// so a live value renders exactly as gqlgen renders it anywhere else.

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/vnstock-api/vnstock-api/api/graph/model"
)

// Renderer marshals the subscription types for one operation.
type Renderer struct {
	ec *executionContext
}

// NewRenderer returns a Renderer for the operation opCtx of es, which must
// come from NewExecutableSchema.
func NewRenderer(es graphql.ExecutableSchema, opCtx *graphql.OperationContext) (*Renderer, error) {
	s, ok := es.(*executableSchema)
	if !ok {
		return nil, fmt.Errorf("gen: schema %T was not built by NewExecutableSchema", es)
	}
	return &Renderer{ec: newExecutionContext(opCtx, s, nil)}, nil
}

// SubscriptionField is the operation's one root field, or an error when it
// selects none or more than one.
func (r *Renderer) SubscriptionField() (graphql.CollectedField, error) {
	oc := r.ec.OperationContext
	fields := graphql.CollectFields(oc, oc.Operation.SelectionSet, subscriptionImplementors)
	if len(fields) != 1 {
		return graphql.CollectedField{}, fmt.Errorf("a subscription selects exactly one field, not %d", len(fields))
	}
	return fields[0], nil
}

// SubscriptionArgs parses the arguments of a root subscription field with
// the generated code (defaults applied, scalars unmarshalled). ctx must
// carry a response context.
func (r *Renderer) SubscriptionArgs(ctx context.Context, field graphql.CollectedField) (map[string]any, error) {
	var fc *graphql.FieldContext
	var err error
	switch field.Name {
	case "quotes":
		fc, err = r.ec.fieldContext_Subscription_quotes(ctx, field)
	case "trades":
		fc, err = r.ec.fieldContext_Subscription_trades(ctx, field)
	case "index":
		fc, err = r.ec.fieldContext_Subscription_index(ctx, field)
	case "bars":
		fc, err = r.ec.fieldContext_Subscription_bars(ctx, field)
	case "session":
		fc, err = r.ec.fieldContext_Subscription_session(ctx, field)
	case "status":
		fc, err = r.ec.fieldContext_Subscription_status(ctx, field)
	default:
		return nil, fmt.Errorf("unknown subscription field %q", field.Name)
	}
	if err != nil {
		return nil, err
	}
	return fc.Args, nil
}

// Marshal returns the generated marshaller of v for the selection sel. v is
// one of the subscription element types.
func (r *Renderer) Marshal(ctx context.Context, sel ast.SelectionSet, v any) (graphql.Marshaler, error) {
	switch x := v.(type) {
	case *model.Quote:
		return r.ec._Quote(ctx, sel, x), nil
	case *model.Trade:
		return r.ec._Trade(ctx, sel, x), nil
	case *model.IndexQuote:
		return r.ec._IndexQuote(ctx, sel, x), nil
	case *model.Bar:
		return r.ec._Bar(ctx, sel, x), nil
	case *model.Session:
		return r.ec._Session(ctx, sel, x), nil
	case *model.FeedStatus:
		return r.ec._FeedStatus(ctx, sel, x), nil
	}
	return nil, fmt.Errorf("gen: no marshaller for %T", v)
}

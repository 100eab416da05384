package market

import "strings"

// Exchange is a Vietnamese trading venue.
type Exchange string

// The venues. DER is the derivatives market operated by HNX.
const (
	HOSE  Exchange = "HOSE"
	HNX   Exchange = "HNX"
	UPCOM Exchange = "UPCOM"
	DER   Exchange = "DER"
)

// Exchanges lists every venue in a stable order.
var Exchanges = [...]Exchange{HOSE, HNX, UPCOM, DER}

// ParseExchange accepts the venue names and the aliases upstreams use
// (HSX, hose, UPCoM, HNXUPCOM, DERIVATIVES, VNF...).
// Surrounding white space is ignored; case folding is ASCII only, so that
// look-alikes such as "hoſe" (U+017F folds to S) are refused.
func ParseExchange(s string) (Exchange, error) {
	name := strings.TrimSpace(s)
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return "", Invalid("exchange", "%q is not one of HOSE, HNX, UPCOM, DER", s)
		}
	}
	switch strings.ToUpper(name) {
	case "HOSE", "HSX", "STO", "10":
		return HOSE, nil
	case "HNX", "02":
		return HNX, nil
	case "UPCOM", "HNXUPCOM", "03":
		return UPCOM, nil
	case "DER", "DERIVATIVES", "DERIVATIVE", "VNF", "FU", "DVX":
		return DER, nil
	}
	return "", Invalid("exchange", "%q is not one of HOSE, HNX, UPCOM, DER", s)
}

// String returns the venue name.
func (e Exchange) String() string { return string(e) }

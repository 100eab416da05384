package msn

import "github.com/vnstock-api/vnstock-api/market"

// MSN names instruments by SecId. These are the ids vnstock knows
// (upstream.md §5; vnstock's explorer/msn/const.py), by asset class.
var (
	currencyIDs = map[market.Symbol]string{
		"USDVND": "avyufr", "EURVND": "av93ec", "JPYVND": "ave8sm", "GBPVND": "avyjtc", "AUDVND": "auxrkr",
		"CNYVND": "av55fr", "KRWVND": "avfg9c",
		"USDJPY": "avyomw", "USDEUR": "avyn9c", "USDCAD": "avylur", "USDCHF": "avyt7w", "USDCNY": "avym77",
		"USDKRW": "avyoyc", "USDSGD": "avyspr", "USDHKD": "avynz2", "USDTRY": "avytp2", "USDINR": "avyo8m",
		"USDDKK": "avymr7", "USDSEK": "avyt52", "USDILS": "avyoh7", "USDRUB": "avys2w", "USDMXN": "avyqcw",
		"USDZAR": "avysvh",
		"EURUSD": "av932w", "EURJPY": "av8wim", "EURGBP": "av92z2", "EURCHF": "av923m", "EURCAD": "av8ttc",
		"EURAUD": "av8sfr", "EURNZD": "av8ysm",
		"GBPJPY": "avye1h", "GBPUSD": "avyjhw", "GBPAUD": "avy9ur", "GBPCHF": "avyilh", "GBPNZD": "avygbh",
		"GBPCAD": "avyb9c", "AUDUSD": "auxr9c", "NZDUSD": "avmpm7",
		"XAUUSD": "ck48ur", "XAGUSD": "ck48xm",
	}
	cryptoIDs = map[market.Symbol]string{
		"BTC": "c2111", "ETH": "c2112", "USDT": "c2115", "USDC": "c211a", "BNB": "c2113", "BUSD": "c211i",
		"XRP": "c2117", "ADA": "c2114", "SOL": "c2116", "DOGE": "c2119",
		"BTCUSDT": "c2111", "ETHUSDT": "c2112", "BNBUSDT": "c2113", "XRPUSDT": "c2117", "ADAUSDT": "c2114",
		"SOLUSDT": "c2116", "DOGEUSDT": "c2119",
	}
	indexIDs = map[market.Symbol]string{
		"INX": "a33k6h", "DJI": "a6qja2", "COMP": "a3oxnm", "RUT": "b9v42w", "NYA": "a74pqh", "RUI": "a33fcw",
		"RUA": "bggnm7", "UKX": "aopnp2", "DAX": "afx2kr", "PX1": "aecfh7", "N225": "a9j7bh",
		"000001": "adfh77", "HSI": "ah7etc", "SENSEX": "ahkucw", "ME00000000": "ale3jc", "VNI": "aqk2nm",
		"USA30": "a6qja2",
	}
)

// vndPairs are the FX pairs against VND answered for exchange rates, with
// the currency names Vietcombank uses.
var vndPairs = [...]struct {
	code, name string
	symbol     market.Symbol
}{
	{"AUD", "AUSTRALIAN DOLLAR", "AUDVND"},
	{"CNY", "YUAN RENMINBI", "CNYVND"},
	{"EUR", "EURO", "EURVND"},
	{"GBP", "UK POUND STERLING", "GBPVND"},
	{"JPY", "JAPANESE YEN", "JPYVND"},
	{"KRW", "KOREAN WON", "KRWVND"},
	{"USD", "US DOLLAR", "USDVND"},
}

// instrument is what a query resolves to.
type instrument struct {
	secID     string
	crypto    bool   // served by Cryptocurrency/chart
	priceUnit string // quote currency (lower case) or "points"
}

// resolve maps an asset class and symbol to an MSN instrument; ok is false
// when MSN (as far as this source knows) does not carry it.
func resolve(asset string, sym market.Symbol) (instrument, bool) {
	switch asset {
	case market.AssetForex, market.AssetCommodity:
		id, ok := currencyIDs[sym]
		if !ok {
			return instrument{}, false
		}
		unit := string(sym[len(sym)-3:])
		return instrument{secID: id, priceUnit: lower(unit)}, true
	case market.AssetCrypto:
		id, ok := cryptoIDs[sym]
		return instrument{secID: id, crypto: true, priceUnit: "usd"}, ok
	case market.AssetIndex:
		id, ok := indexIDs[sym]
		return instrument{secID: id, priceUnit: "points"}, ok
	}
	return instrument{}, false
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

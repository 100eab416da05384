package fakeupstream

import (
	"hash/fnv"
	"math"
	"strings"
)

// vciListing is one symbol of the fake VCI catalogue. Symbols that are not
// in it get a listing built from a hash of the symbol (vciLookup), so every
// symbol has deterministic data.
type vciListing struct {
	sym, board, typ string // board as VCI spells it (HSX, HNX, UPCOM)
	name, enName    string
	short           string
	ref             float64 // reference price, VND (points for indices and futures)
	shares          int64
	comType         string    // CT, NH, CK, BH
	icb             [4]string // ICB codes level 1..4
}

// vciCatalogue is the fake's symbol list: VN30-style large caps, a few HNX
// and UPCOM names, ETFs, a covered warrant and a futures contract.
func vciCatalogue() []vciListing {
	bank := [4]string{"8000", "8300", "8350", "8355"}
	broker := [4]string{"8000", "8700", "8770", "8777"}
	steel := [4]string{"1000", "1700", "1750", "1757"}
	soft := [4]string{"9000", "9500", "9530", "9533"}
	food := [4]string{"3000", "3500", "3570", "3577"}
	realty := [4]string{"8000", "8600", "8630", "8633"}
	retail := [4]string{"5000", "5300", "5370", "5379"}
	insure := [4]string{"8000", "8500", "8570", "8575"}
	oil := [4]string{"0001", "0500", "0530", "0533"}
	return []vciListing{
		{"ACB", "HSX", "STOCK", "Ngân hàng Thương mại Cổ phần Á Châu", "Asia Commercial Joint Stock Bank", "ACB", 25000, 5136656599, "NH", bank},
		{"BID", "HSX", "STOCK", "Ngân hàng Thương mại Cổ phần Đầu tư và Phát triển Việt Nam", "Joint Stock Commercial Bank for Investment and Development of Vietnam", "BIDV", 45000, 7021361917, "NH", bank},
		{"BVH", "HSX", "STOCK", "Tập đoàn Bảo Việt", "Bao Viet Holdings", "Bảo Việt", 50000, 742322764, "BH", insure},
		{"CTG", "HSX", "STOCK", "Ngân hàng Thương mại Cổ phần Công Thương Việt Nam", "Vietnam Joint Stock Commercial Bank for Industry and Trade", "VietinBank", 40000, 5369991748, "NH", bank},
		{"FPT", "HSX", "STOCK", "Công ty Cổ phần FPT", "FPT Corporation", "FPT Corp", 120000, 1703507121, "CT", soft},
		{"GAS", "HSX", "STOCK", "Tổng Công ty Khí Việt Nam - Công ty Cổ phần", "PetroVietnam Gas Joint Stock Corporation", "PV GAS", 70000, 2342418599, "CT", oil},
		{"HPG", "HSX", "STOCK", "Công ty Cổ phần Tập đoàn Hòa Phát", "Hoa Phat Group Joint Stock Company", "Hòa Phát", 27000, 7674883685, "CT", steel},
		{"MBB", "HSX", "STOCK", "Ngân hàng Thương mại Cổ phần Quân đội", "Military Commercial Joint Stock Bank", "MB", 24000, 6102272659, "NH", bank},
		{"MWG", "HSX", "STOCK", "Công ty Cổ phần Đầu tư Thế giới Di động", "Mobile World Investment Corporation", "Thế Giới Di Động", 60000, 1478141258, "CT", retail},
		{"SSI", "HSX", "STOCK", "Công ty Cổ phần Chứng khoán SSI", "SSI Securities Corporation", "SSI", 27650, 1967004340, "CK", broker},
		{"TCB", "HSX", "STOCK", "Ngân hàng Thương mại Cổ phần Kỹ thương Việt Nam", "Vietnam Technological and Commercial Joint Stock Bank", "Techcombank", 27450, 7064851739, "NH", bank},
		{"VCB", "HSX", "STOCK", "Ngân hàng Thương mại Cổ phần Ngoại thương Việt Nam", "Joint Stock Commercial Bank for Foreign Trade of Vietnam", "Vietcombank", 66800, 8355691435, "NH", bank},
		{"VCI", "HSX", "STOCK", "Công ty Cổ phần Chứng khoán Vietcap", "Vietcap Securities Joint Stock Company", "Vietcap", 39200, 718099480, "CK", broker},
		{"VHM", "HSX", "STOCK", "Công ty Cổ phần Vinhomes", "Vinhomes Joint Stock Company", "Vinhomes", 45000, 4107409000, "CT", realty},
		{"VNM", "HSX", "STOCK", "Công ty Cổ phần Sữa Việt Nam", "Vietnam Dairy Products Joint Stock Company", "Vinamilk", 61000, 2089955445, "CT", food},
		{"SHS", "HNX", "STOCK", "Công ty Cổ phần Chứng khoán Sài Gòn - Hà Nội", "Saigon - Hanoi Securities Joint Stock Company", "SHS", 13000, 813131116, "CK", broker},
		{"PVS", "HNX", "STOCK", "Tổng Công ty Cổ phần Dịch vụ Kỹ thuật Dầu khí Việt Nam", "PetroVietnam Technical Services Corporation", "PTSC", 32000, 477966290, "CT", oil},
		{"IDC", "HNX", "STOCK", "Tổng Công ty IDICO - CTCP", "IDICO Corporation - JSC", "IDICO", 50000, 329999389, "CT", realty},
		{"ACV", "UPCOM", "STOCK", "Tổng Công ty Cảng hàng không Việt Nam - CTCP", "Airports Corporation of Vietnam", "ACV", 110000, 2177173236, "CT", [4]string{"2000", "2700", "2770", "2777"}},
		{"BSR", "UPCOM", "STOCK", "Công ty Cổ phần Lọc hóa Dầu Bình Sơn", "Binh Son Refining and Petrochemical JSC", "BSR", 21000, 3100499616, "CT", oil},
		{"E1VFVN30", "HSX", "ETF", "Quỹ ETF DCVFMVN30", "DCVFMVN30 ETF Fund", "E1VFVN30", 25000, 180000000, "", [4]string{}},
		{"FUEVFVND", "HSX", "ETF", "Quỹ ETF DCVFMVN DIAMOND", "DCVFMVN DIAMOND ETF Fund", "FUEVFVND", 33000, 260000000, "", [4]string{}},
		{"CFPT2513", "HSX", "CW", "Chứng quyền FPT/ACBS/Call/EU/Cash/9M/13", "FPT/ACBS/Call/EU/Cash/9M/13 Covered Warrant", "CFPT2513", 1500, 5000000, "", [4]string{}},
		{"41I1G1000", "FU", "FU", "Hợp đồng tương lai chỉ số VN30 tháng 01/2026", "VN30 Index Futures 01/2026", "VN30F2601", 1900, 0, "", [4]string{}},
	}
}

// vciICBNames are the ICB codes the catalogue uses: code → (vi, en).
func vciICBNames() map[string][2]string {
	return map[string][2]string{
		"0001": {"Dầu khí", "Oil & Gas"}, "0500": {"Dầu khí", "Oil & Gas"},
		"0530": {"Sản xuất Dầu khí", "Oil & Gas Producers"}, "0533": {"Thăm dò & Khai thác Dầu khí", "Exploration & Production"},
		"1000": {"Nguyên vật liệu", "Basic Materials"}, "1700": {"Tài nguyên Cơ bản", "Basic Resources"},
		"1750": {"Kim loại", "Industrial Metals & Mining"}, "1757": {"Thép và sản phẩm thép", "Iron & Steel"},
		"2000": {"Công nghiệp", "Industrials"}, "2700": {"Hàng & Dịch vụ Công nghiệp", "Industrial Goods & Services"},
		"2770": {"Vận tải", "Industrial Transportation"}, "2777": {"Dịch vụ vận tải", "Transportation Services"},
		"3000": {"Hàng Tiêu dùng", "Consumer Goods"}, "3500": {"Thực phẩm và đồ uống", "Food & Beverage"},
		"3570": {"Sản xuất thực phẩm", "Food Producers"}, "3577": {"Thực phẩm", "Food Products"},
		"5000": {"Dịch vụ Tiêu dùng", "Consumer Services"}, "5300": {"Bán lẻ", "Retail"},
		"5370": {"Bán lẻ", "General Retailers"}, "5379": {"Bán lẻ chuyên dụng", "Specialty Retailers"},
		"8000": {"Tài chính", "Financials"}, "8300": {"Ngân hàng", "Banks"}, "8350": {"Ngân hàng", "Banks"},
		"8355": {"Ngân hàng", "Banks"}, "8500": {"Bảo hiểm", "Insurance"}, "8570": {"Bảo hiểm nhân thọ", "Life Insurance"},
		"8575": {"Bảo hiểm nhân thọ", "Life Insurance"}, "8600": {"Bất động sản", "Real Estate"},
		"8630": {"Bất động sản", "Real Estate Investment & Services"}, "8633": {"Bất động sản", "Real Estate Holding & Development"},
		"8700": {"Dịch vụ tài chính", "Financial Services"}, "8770": {"Dịch vụ tài chính", "Financial Services"},
		"8777": {"Môi giới chứng khoán", "Investment Services"}, "9000": {"Công nghệ Thông tin", "Technology"},
		"9500": {"Công nghệ Thông tin", "Technology"}, "9530": {"Phần mềm & Dịch vụ Máy tính", "Software & Computer Services"},
		"9533": {"Dịch vụ Máy tính", "Computer Services"},
	}
}

// vciHash is a stable 64-bit hash of the parts.
func vciHash(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	// FNV's high bits barely move when only the last byte differs; mix them
	// (splitmix64's finaliser) so that neighbouring keys look unrelated.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// vciUnit is a deterministic number in [0, 1) from the parts.
func vciUnit(parts ...string) float64 {
	return float64(vciHash(parts...)>>11) / float64(1<<53)
}

// vciIndexRef is the level of the index codes VCI's chart accepts; 0 for
// other symbols.
func vciIndexRef(code string) float64 {
	switch code {
	case "VNINDEX":
		return 1250
	case "VN30":
		return 1320
	case "HNXIndex", "HNX30":
		return 230
	case "HNXUpcomIndex":
		return 95
	case "VNMIDCAP", "VNSMALLCAP", "VN100", "VNALLSHARE", "VNSI", "VNIT", "VNIND", "VNCONS", "VNCOND", "VNHEAL",
		"VNENE", "VNUTI", "VNREAL", "VNFIN", "VNMAT", "VNDIAMOND", "VNFINLEAD", "VNFINSELECT", "VNX50", "VNXALL":
		return 1000 + math.Round(vciUnit(code)*800)
	}
	if strings.HasSuffix(code, " Index") {
		return 100 + math.Round(vciUnit(code)*200)
	}
	return 0
}

// vciLookup returns the catalogue entry of sym or a hash-built one: a
// HOSE stock priced 10,000-90,000 VND.
func vciLookup(sym string) vciListing {
	for _, l := range vciCatalogue() {
		if l.sym == sym {
			return l
		}
	}
	u := vciUnit(sym, "ref")
	return vciListing{sym: sym, board: "HSX", typ: "STOCK", name: "Công ty Cổ phần " + sym, enName: sym + " Joint Stock Company",
		short: sym, ref: 10000 + math.Round(u*800)*100, shares: 100_000_000 + int64(u*1e9), comType: "CT",
		icb: [4]string{"2000", "2700", "2770", "2777"}}
}

// vciGroupMembers returns the members of a getByGroup code.
func vciGroupMembers(group string) []string {
	var out []string
	for _, l := range vciCatalogue() {
		switch {
		case group == "VN30" && l.board == "HSX" && l.typ == "STOCK",
			group == "HNX30" && l.board == "HNX",
			group == "HOSE" && l.board == "HSX", group == "HNX" && l.board == "HNX", group == "UPCOM" && l.board == "UPCOM",
			group == "ETF" && l.typ == "ETF", group == "CW" && l.typ == "CW", group == "FU_INDEX" && l.typ == "FU":
			out = append(out, l.sym)
		}
	}
	return out
}

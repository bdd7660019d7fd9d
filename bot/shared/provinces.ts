import { fold } from "./fold.js";

/**
 * The 34 provinces and centrally-run cities in force since 1 July 2025 (Resolution 202/2025/QH15), with their
 * official codes. Public facts, so they live in code; communes come from the admin_units table instead.
 */
export interface Province {
  code: string;
  name: string;
  nameEn: string;
}

export const PROVINCES: readonly Province[] = [
  { code: "01", name: "Hà Nội", nameEn: "Hanoi" },
  { code: "04", name: "Cao Bằng", nameEn: "Cao Bang" },
  { code: "08", name: "Tuyên Quang", nameEn: "Tuyen Quang" },
  { code: "11", name: "Điện Biên", nameEn: "Dien Bien" },
  { code: "12", name: "Lai Châu", nameEn: "Lai Chau" },
  { code: "14", name: "Sơn La", nameEn: "Son La" },
  { code: "15", name: "Lào Cai", nameEn: "Lao Cai" },
  { code: "19", name: "Thái Nguyên", nameEn: "Thai Nguyen" },
  { code: "20", name: "Lạng Sơn", nameEn: "Lang Son" },
  { code: "22", name: "Quảng Ninh", nameEn: "Quang Ninh" },
  { code: "24", name: "Bắc Ninh", nameEn: "Bac Ninh" },
  { code: "25", name: "Phú Thọ", nameEn: "Phu Tho" },
  { code: "31", name: "Hải Phòng", nameEn: "Haiphong" },
  { code: "33", name: "Hưng Yên", nameEn: "Hung Yen" },
  { code: "37", name: "Ninh Bình", nameEn: "Ninh Binh" },
  { code: "38", name: "Thanh Hoá", nameEn: "Thanh Hoa" },
  { code: "40", name: "Nghệ An", nameEn: "Nghe An" },
  { code: "42", name: "Hà Tĩnh", nameEn: "Ha Tinh" },
  { code: "44", name: "Quảng Trị", nameEn: "Quang Tri" },
  { code: "46", name: "Huế", nameEn: "Hue" },
  { code: "48", name: "Đà Nẵng", nameEn: "Da Nang" },
  { code: "51", name: "Quảng Ngãi", nameEn: "Quang Ngai" },
  { code: "52", name: "Gia Lai", nameEn: "Gia Lai" },
  { code: "56", name: "Khánh Hoà", nameEn: "Khanh Hoa" },
  { code: "66", name: "Đắk Lắk", nameEn: "Dak Lak" },
  { code: "68", name: "Lâm Đồng", nameEn: "Lam Dong" },
  { code: "75", name: "Đồng Nai", nameEn: "Dong Nai" },
  { code: "79", name: "Hồ Chí Minh", nameEn: "Ho Chi Minh" },
  { code: "80", name: "Tây Ninh", nameEn: "Tay Ninh" },
  { code: "82", name: "Đồng Tháp", nameEn: "Dong Thap" },
  { code: "86", name: "Vĩnh Long", nameEn: "Vinh Long" },
  { code: "91", name: "An Giang", nameEn: "An Giang" },
  { code: "92", name: "Cần Thơ", nameEn: "Can Tho" },
  { code: "96", name: "Cà Mau", nameEn: "Ca Mau" },
];

const byCode = new Map(PROVINCES.map((p) => [p.code, p]));

export function provinceByCode(code: string): Province | undefined {
  return byCode.get(code);
}

/** Common ways people write a province that folding alone does not catch. */
const ALIASES: Record<string, string> = {
  hn: "01",
  hcm: "79",
  tphcm: "79",
  "tp hcm": "79",
  "sai gon": "79",
  saigon: "79",
  "ho chi minh city": "79",
  hp: "31",
  haiphong: "31",
  danang: "48",
};

const PREFIX = /^(thanh pho|tinh|tp\.?)\s+/;

/** Provinces whose folded name starts with or contains what was typed ("ha noi", "HCM", "tỉnh lào cai"). */
export function findProvinces(typed: string): Province[] {
  const q = fold(typed).replace(PREFIX, "").trim();
  if (q === "") return [];
  const alias = ALIASES[q];
  if (alias) return [byCode.get(alias)!];
  const names = PROVINCES.map((p) => ({ p, n: fold(p.name), e: fold(p.nameEn) }));
  const exact = names.filter((x) => x.n === q || x.e === q);
  if (exact.length > 0) return exact.map((x) => x.p);
  return names.filter((x) => x.n.includes(q) || x.e.includes(q)).map((x) => x.p);
}

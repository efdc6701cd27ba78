/**
 * Gazetteer of the six covered provinces (SPEC §1, §6) and of the rest of China ("not covered").
 *
 * `findProvince` scans text left to right, longest name first, Chinese and pinyin/English, and returns
 * the first covered mention; if nothing covered is named, the first uncovered one (province `null`).
 * 陕西 / Shaanxi (not covered) is a different province from 山西 / Shanxi (covered).
 * Offsets are UTF-16 indices into the string as given; matching ignores Latin case and full-width forms.
 */
import { PROVINCES, type Province } from '../core/intents.js';

export interface CityName {
  zh: string;
  en: string;
}
export interface ProvinceInfo {
  zh: string;
  zhFull: string;
  en: string;
  cities: CityName[];
}
export interface ProvinceMention {
  province: Province | null;
  start: number;
  end: number;
  surface: string;
}

/** "zh:En" pairs; a `|` after the English name adds alternative spellings. */
function cities(list: string): CityName[] {
  return list
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const [zh = '', en = ''] = pair.split(':');
      return { zh, en: en.replace(/_/g, ' ') };
    });
}

export const PROVINCE_INFO: Record<Province, ProvinceInfo> = {
  Shanxi: {
    zh: '山西',
    zhFull: '山西省',
    en: 'Shanxi',
    cities: cities(`太原:Taiyuan 大同:Datong 阳泉:Yangquan 长治:Changzhi 晋城:Jincheng 朔州:Shuozhou
      晋中:Jinzhong 运城:Yuncheng 忻州:Xinzhou 临汾:Linfen 吕梁:Lvliang|Lyuliang|Luliang`),
  },
  Henan: {
    zh: '河南',
    zhFull: '河南省',
    en: 'Henan',
    cities: cities(`郑州:Zhengzhou 开封:Kaifeng 洛阳:Luoyang 平顶山:Pingdingshan 安阳:Anyang 鹤壁:Hebi
      新乡:Xinxiang 焦作:Jiaozuo 濮阳:Puyang 许昌:Xuchang 漯河:Luohe 三门峡:Sanmenxia 南阳:Nanyang
      商丘:Shangqiu 信阳:Xinyang 周口:Zhoukou 驻马店:Zhumadian 济源:Jiyuan`),
  },
  Hubei: {
    zh: '湖北',
    zhFull: '湖北省',
    en: 'Hubei',
    cities: cities(`武汉:Wuhan 黄石:Huangshi 十堰:Shiyan 宜昌:Yichang 襄阳:Xiangyang|Xiangfan 鄂州:Ezhou
      荆门:Jingmen 孝感:Xiaogan 荆州:Jingzhou 黄冈:Huanggang 咸宁:Xianning 随州:Suizhou 恩施:Enshi
      仙桃:Xiantao 潜江:Qianjiang 天门:Tianmen 神农架:Shennongjia`),
  },
  Hunan: {
    zh: '湖南',
    zhFull: '湖南省',
    en: 'Hunan',
    cities: cities(`长沙:Changsha 株洲:Zhuzhou 湘潭:Xiangtan 衡阳:Hengyang 邵阳:Shaoyang 岳阳:Yueyang
      常德:Changde 张家界:Zhangjiajie 益阳:Yiyang 郴州:Chenzhou 永州:Yongzhou 怀化:Huaihua 娄底:Loudi
      湘西:Xiangxi`),
  },
  Anhui: {
    zh: '安徽',
    zhFull: '安徽省',
    en: 'Anhui',
    cities: cities(`合肥:Hefei 芜湖:Wuhu 蚌埠:Bengbu 淮南:Huainan 马鞍山:Ma'anshan|Maanshan 淮北:Huaibei
      铜陵:Tongling 安庆:Anqing 黄山:Huangshan 滁州:Chuzhou 阜阳:Fuyang 宿州:Suzhou 六安:Lu'an|Luan
      亳州:Bozhou 池州:Chizhou 宣城:Xuancheng`),
  },
  Jiangxi: {
    zh: '江西',
    zhFull: '江西省',
    en: 'Jiangxi',
    cities: cities(`南昌:Nanchang 景德镇:Jingdezhen 萍乡:Pingxiang 九江:Jiujiang 新余:Xinyu 鹰潭:Yingtan
      赣州:Ganzhou 吉安:Ji'an 宜春:Yichun 抚州:Fuzhou 上饶:Shangrao`),
  },
};

/** Well-known county-level cities, districts and areas (Chinese only unless unambiguous). */
const EXTRA_PLACES: Record<Province, string> = {
  Shanxi: '古交 介休 孝义 汾阳 霍州 侯马 永济 河津 平遥 五台山',
  Henan: '巩义 新郑 登封 荥阳 禹州 汝州 永城 长葛 偃师 中牟 郑东新区',
  Hubei: '武昌 汉口 汉阳 光谷 东湖高新 大冶 丹江口 宜都 枣阳 老河口 汉川 应城 麻城 恩施州 恩施土家族苗族自治州',
  Hunan: '浏阳 醴陵 韶山 耒阳 冷水江 湘乡 宁乡 岳麓 湘江新区 吉首 湘西州 湘西土家族苗族自治州',
  Anhui: '巢湖 桐城 界首 宁国 广德 潜山 滨湖新区',
  Jiangxi: '井冈山 瑞金 庐山 婺源 贵溪 丰城 高安 德兴 赣江新区',
};

/** English names where the pinyin is shared with a better-known city elsewhere: not taken as covered. */
const AMBIGUOUS_EN = new Set(['suzhou', 'fuzhou']);

/** Provinces, municipalities and regions outside the six, and their large cities → not covered. */
const OTHER_ZH = `北京 天津 河北 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 福建 山东 广东 广西 海南 重庆 四川 贵州 云南
  西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 台湾 石家庄 唐山 保定 雄安 呼和浩特 包头 鄂尔多斯 沈阳 大连 长春
  哈尔滨 南京 苏州 无锡 常州 镇江 南通 徐州 扬州 昆山 杭州 宁波 温州 绍兴 嘉兴 金华 义乌 台州 湖州 福州 厦门 泉州
  济南 青岛 烟台 潍坊 淄博 威海 广州 深圳 东莞 佛山 珠海 惠州 汕头 江门 湛江 南宁 柳州 桂林 海口 三亚
  成都 绵阳 贵阳 遵义 昆明 拉萨 西安 咸阳 宝鸡 延安 兰州 西宁 银川 乌鲁木齐 台北`
  .split(/\s+/)
  .filter(Boolean);
const OTHER_EN = `beijing peking tianjin hebei inner_mongolia neimenggu liaoning jilin heilongjiang shanghai jiangsu
  zhejiang fujian shandong guangdong guangxi hainan chongqing sichuan guizhou yunnan tibet xizang shaanxi gansu
  qinghai ningxia xinjiang hong_kong hongkong macau macao taiwan shijiazhuang hohhot baotou shenyang dalian
  changchun harbin nanjing suzhou wuxi changzhou hangzhou ningbo wenzhou fuzhou xiamen quanzhou jinan qingdao
  yantai guangzhou canton shenzhen dongguan foshan zhuhai nanning guilin haikou sanya chengdu guiyang kunming
  lhasa xi'an xian lanzhou xining yinchuan urumqi taipei`
  .split(/\s+/)
  .filter(Boolean)
  .map((w) => w.replace(/_/g, ' '));

interface Entry {
  province: Province | null;
  /** 2 = province name, 1 = city or area. */
  level: number;
}

const ZH = new Map<string, Entry>();
const EN = new Map<string, Entry>();

for (const p of PROVINCES) {
  const info = PROVINCE_INFO[p];
  ZH.set(info.zh, { province: p, level: 2 });
  EN.set(info.en.toLowerCase(), { province: p, level: 2 });
  for (const c of info.cities) {
    ZH.set(c.zh, { province: p, level: 1 });
    for (const en of c.en.split('|')) {
      const key = en.toLowerCase();
      if (!AMBIGUOUS_EN.has(key)) EN.set(key, { province: p, level: 1 });
    }
  }
  for (const place of EXTRA_PLACES[p].split(/\s+/)) if (place) ZH.set(place, { province: p, level: 1 });
}
for (const w of OTHER_ZH) if (!ZH.has(w)) ZH.set(w, { province: null, level: 2 });
for (const w of OTHER_EN) if (!EN.has(w)) EN.set(w, { province: null, level: 2 });

/** Chinese names grouped by first character, longest first, for a linear scan. */
const ZH_BY_FIRST = new Map<string, string[]>();
for (const name of ZH.keys()) {
  const list = ZH_BY_FIRST.get(name[0]!) ?? [];
  list.push(name);
  ZH_BY_FIRST.set(name[0]!, list);
}
for (const list of ZH_BY_FIRST.values()) list.sort((a, b) => b.length - a.length);
const MAX_EN_WORDS = 2;

/** One-character province abbreviations, accepted only in contexts like 在鄂 / 赴湘 / 皖企 / 赣籍. */
const SHORT: Record<string, Province> = { 晋: 'Shanxi', 豫: 'Henan', 鄂: 'Hubei', 湘: 'Hunan', 皖: 'Anhui', 赣: 'Jiangxi' };
const SHORT_BEFORE = /[在赴来入驻落留回返]/;
const SHORT_AFTER = /^(?:企|籍|产|地区)/;
const SHORT_NOT_AFTER = /^[升级阶见]/;

/** Exceptions: idioms and words that contain a place name but do not mean the place. */
const NOT_PLACE = /大同小异|世界大同|长治久安|未开封|已开封|开封后|开封即|黄河南岸|洞庭湖南|入海口|出海口|周口店/g;

const isCjk = (ch: string | undefined): boolean => ch !== undefined && /[\u4e00-\u9fff]/.test(ch);

function fold(text: string): string {
  // Length-preserving: full-width ASCII → ASCII, Latin lower case, curly apostrophe → '.
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    let c = code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : ch;
    if (c === '\u2019' || c === '\u2018') c = "'";
    const lower = c.toLowerCase();
    out += lower.length === c.length ? lower : c;
  }
  return out;
}

/** All place mentions in order of appearance (non-overlapping, longest match first). */
export function findPlaces(text: string): ProvinceMention[] {
  const s = fold(text);
  const blocked = new Uint8Array(s.length);
  for (const m of s.matchAll(NOT_PLACE)) blocked.fill(1, m.index, m.index + m[0].length);
  const out: ProvinceMention[] = [];
  const push = (province: Province | null, start: number, end: number): void => {
    out.push({ province, start, end, surface: text.slice(start, end) });
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (isCjk(ch)) {
      const cands = blocked[i] ? undefined : ZH_BY_FIRST.get(ch);
      const name = cands?.find((n) => s.startsWith(n, i));
      if (name) {
        const e = ZH.get(name)!;
        let end = i + name.length;
        const next = s[end];
        if (e.level === 2 && next === '省') end++;
        else if (e.level === 1 && (next === '州' || (next === '市' && s[end + 1] !== '场'))) end++;
        push(e.province, i, end);
        i = end;
        continue;
      }
      i++;
    } else if (/[a-z]/.test(ch) && !/[a-z0-9']/.test(s[i - 1] ?? ' ')) {
      // Take up to MAX_EN_WORDS words; try the longest phrase first.
      const m = /^[a-z']+(?: [a-z']+)?/.exec(s.slice(i, i + 40));
      const words = m ? m[0].split(' ') : [];
      let done = false;
      for (let n = Math.min(words.length, MAX_EN_WORDS); n >= 1 && !done; n--) {
        const phrase = words.slice(0, n).join(' ').replace(/'s$/, '');
        const e = EN.get(phrase);
        if (e) {
          push(e.province, i, i + phrase.length);
          i += phrase.length;
          done = true;
        }
      }
      if (!done) i += words[0]?.length || 1;
    } else i++;
  }
  const covered = new Uint8Array(s.length);
  for (const o of out) covered.fill(1, o.start, o.end);
  for (let k = 0; k < s.length; k++) {
    const p = SHORT[s[k]!];
    if (!p || covered[k]) continue;
    const before = s[k - 1];
    const after = s.slice(k + 1, k + 3);
    if (SHORT_NOT_AFTER.test(after)) continue;
    if (!isCjk(before) || SHORT_BEFORE.test(before!) || SHORT_AFTER.test(after)) push(p, k, k + 1);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The first covered mention, else the first uncovered mention (province `null`), else undefined. */
export function findProvince(text: string): ProvinceMention | undefined {
  const all = findPlaces(text);
  return all.find((m) => m.province !== null) ?? all[0];
}

export function provinceZhFull(p: Province): string {
  return PROVINCE_INFO[p].zhFull;
}

/** Province from a stored value such as `湖北省`, `湖北`, `Hubei`; null when outside the six. */
export function provinceFromName(name: string): Province | null | undefined {
  const m = findProvince(name.trim());
  return m ? m.province : undefined;
}

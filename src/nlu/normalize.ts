/**
 * Length-preserving normalisation: every UTF-16 unit of the input maps to exactly one unit of the output,
 * so offsets found in the normalised text are valid in the original.
 *
 * - NFKC per character when it keeps the length (full-width → half-width, ideographic space → space, ①…)
 * - Latin lower case; curly quotes → straight
 * - control characters, zero-width characters and most symbols outside CJK/Latin → space
 * - a small traditional → simplified map for the characters the cue lexicons rely on
 */

/** Inputs longer than this are classified on their first MAX_CHARS characters (a chat message is short). */
export const MAX_CHARS = 4000;

/** Traditional → simplified, as pairs. */
const TRAD = [
  '專专 請请 補补 貼贴 覽览 會会 報报 訂订 閱阅 聯联 構构 機机 資资 術术 發发 設设 計计 權权 轉转 讓让',
  '許许 購购 買买 賣卖 開开 刪删 銷销 號号 幫帮 麼么 嗎吗 這这 個个 們们 廣广 東东 陝陕 漢汉 鄭郑 長长',
  '陽阳 贛赣 與与 關关 於于 為为 當当 說说 話话 問问 麽么 來来 時时 間间 裡里 裏里 點点 難难 題题 進进',
  '業业 產产 學学 種种 電电 網网 絡络 記记 錄录 將将 還还 費费 獎奖 勵励 稅税 務务 質质 貸贷 優优 門门',
  '導导 識识 體体 詢询 訊讯 須须 證证 參参 註注 冊册 運运 營营 價价 評评 協协 議议 護护 維维 訴诉 訟讼',
  '襲袭 總总 經经 濟济 區区 縣县 鄉乡',
  '實实 溫温 沒没 無无 檢检 審审 車车 輛辆 熱热 氣气 環环 礦矿 藥药 醫医 療疗 農农 廠厂 場场 園园 碼码 幾几',
  '錢钱 帳账 戶户 歡欢 謝谢 對对 從从 應应 該该 讀读 寫写 變变 鐵铁 鋼钢 錳锰 鋰锂 鈉钠 動动 態态 線线 纜缆',
  '燈灯 顯显 瑩莹 層层 膠胶 紙纸 織织 紡纺 飼饲 養养 樹树 藝艺 圖图 測测 試试 驗验 監监 儀仪 聲声 頻频 衛卫',
  '視视 軟软 連连 結结 統统 劃划 書书 頁页 標标 準准 範范 圍围 鎮镇 貴贵 閩闽 臺台 灣湾 寧宁 蕪芜 銅铜 嶽岳',
  '張张 劉刘 陳陈 楊杨 趙赵 黃黄 週周 過过',
].join(' ');
const TRAD_MAP = new Map<string, string>();
for (const pair of TRAD.split(' ')) if (pair.length === 2) TRAD_MAP.set(pair[0]!, pair[1]!);

function isKept(code: number): boolean {
  return (
    (code >= 0x20 && code < 0x7f) ||
    (code >= 0x4e00 && code <= 0x9fff) || // CJK unified
    (code >= 0x3400 && code <= 0x4dbf) || // CJK ext A
    (code >= 0x3000 && code <= 0x303f) || // CJK punctuation
    (code >= 0xff00 && code <= 0xffef) || // full-width forms
    (code >= 0x00c0 && code <= 0x024f) || // Latin accents
    code === 0xb7 ||
    (code >= 0x2010 && code <= 0x201f) // dashes and quotes
  );
}

/** Same length as the input (after truncation to MAX_CHARS). */
export function normalize(input: string): string {
  const text = input.length > MAX_CHARS ? input.slice(0, MAX_CHARS) : input;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (!isKept(code)) {
      out += ' ';
      continue;
    }
    let c = TRAD_MAP.get(ch) ?? ch;
    const k = c.normalize('NFKC');
    if (k.length === 1) c = k;
    if (c === '\u2019' || c === '\u2018') c = "'";
    else if (c === '\u201c' || c === '\u201d') c = '"';
    else if (c === '\u3000') c = ' ';
    const lower = c.toLowerCase();
    out += lower.length === 1 ? lower : c;
  }
  return out;
}

/** Normalised and with runs of spaces collapsed (for display and topic words; offsets not kept). */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

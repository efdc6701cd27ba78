/**
 * English names of the prefecture-level cities the patent records name (`city`, e.g. 武汉市), so an
 * English card reads "Hubei · Wuhan" rather than "Hubei · 武汉市". It covers every city of the six
 * provinces (a city not listed is shown as the record writes it).
 */
const CITY_EN: Record<string, string> = {
  // 湖北 Hubei
  武汉: 'Wuhan', 黄石: 'Huangshi', 十堰: 'Shiyan', 宜昌: 'Yichang', 襄阳: 'Xiangyang', 鄂州: 'Ezhou', 荆门: 'Jingmen', 孝感: 'Xiaogan', 荆州: 'Jingzhou', 黄冈: 'Huanggang', 咸宁: 'Xianning', 随州: 'Suizhou', 恩施: 'Enshi', 仙桃: 'Xiantao', 潜江: 'Qianjiang', 天门: 'Tianmen',
  // 湖南 Hunan
  长沙: 'Changsha', 株洲: 'Zhuzhou', 湘潭: 'Xiangtan', 衡阳: 'Hengyang', 邵阳: 'Shaoyang', 岳阳: 'Yueyang', 常德: 'Changde', 张家界: 'Zhangjiajie', 益阳: 'Yiyang', 郴州: 'Chenzhou', 永州: 'Yongzhou', 怀化: 'Huaihua', 娄底: 'Loudi', 湘西: 'Xiangxi',
  // 河南 Henan
  郑州: 'Zhengzhou', 开封: 'Kaifeng', 洛阳: 'Luoyang', 平顶山: 'Pingdingshan', 安阳: 'Anyang', 鹤壁: 'Hebi', 新乡: 'Xinxiang', 焦作: 'Jiaozuo', 濮阳: 'Puyang', 许昌: 'Xuchang', 漯河: 'Luohe', 三门峡: 'Sanmenxia', 南阳: 'Nanyang', 商丘: 'Shangqiu', 信阳: 'Xinyang', 周口: 'Zhoukou', 驻马店: 'Zhumadian', 济源: 'Jiyuan',
  // 安徽 Anhui
  合肥: 'Hefei', 芜湖: 'Wuhu', 蚌埠: 'Bengbu', 淮南: 'Huainan', 马鞍山: "Ma'anshan", 淮北: 'Huaibei', 铜陵: 'Tongling', 安庆: 'Anqing', 黄山: 'Huangshan', 滁州: 'Chuzhou', 阜阳: 'Fuyang', 宿州: 'Suzhou (Anhui)', 六安: "Lu'an", 亳州: 'Bozhou', 池州: 'Chizhou', 宣城: 'Xuancheng',
  // 江西 Jiangxi
  南昌: 'Nanchang', 景德镇: 'Jingdezhen', 萍乡: 'Pingxiang', 九江: 'Jiujiang', 新余: 'Xinyu', 鹰潭: 'Yingtan', 赣州: 'Ganzhou', 吉安: "Ji'an", 宜春: 'Yichun', 抚州: 'Fuzhou (Jiangxi)', 上饶: 'Shangrao',
  // 山西 Shanxi
  太原: 'Taiyuan', 大同: 'Datong', 阳泉: 'Yangquan', 长治: 'Changzhi', 晋城: 'Jincheng', 朔州: 'Shuozhou', 晋中: 'Jinzhong', 运城: 'Yuncheng', 忻州: 'Xinzhou', 临汾: 'Linfen', 吕梁: 'Lüliang',
};

/** The city as the reader's language writes it: 武汉市 → Wuhan in English; unchanged in Chinese or when unknown. */
export function cityName(city: string, locale: 'zh' | 'en'): string {
  if (locale === 'zh') return city;
  const bare = city.replace(/(?:市|地区|土家族苗族自治州|自治州)$/, '');
  return CITY_EN[bare] ?? city;
}

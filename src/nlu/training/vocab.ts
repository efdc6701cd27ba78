/**
 * Slot vocabularies for the template generator (generate.ts). Written for breadth — hundreds of
 * technology terms, every covered city, uncovered places, patent numbers in the spellings people type —
 * so the learned model sees the request words in many contexts and learns that topic words are not cues.
 * Nothing here is taken from a labelled evaluation set.
 */
import type { PatentType } from '../../core/intents.js';

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

export const TECH_ZH = words(`
  锂电池 钠离子电池 固态电池 动力电池回收 电池管理系统 正极材料 负极材料 电解液 隔膜 燃料电池 氢燃料电池 储氢材料
  电解水制氢 光伏组件 钙钛矿电池 异质结电池 光伏支架 逆变器 风力发电机 风电叶片 储能变流器 抽水蓄能 超级电容
  石墨烯 碳纳米管 碳纤维 稀土永磁 钕铁硼 稀土分离 钨钼材料 硬质合金 高温合金 铝合金型材 镁合金 钛合金 铜箔 不锈钢
  特种钢 耐火材料 超硬材料 金刚石 人造金刚石 碳化硅 氮化镓 陶瓷釉料 日用陶瓷 电子陶瓷 玻璃纤维 光学玻璃 功能薄膜
  可降解塑料 生物基材料 高分子材料 防水涂料 水性涂料 胶粘剂 尼龙 聚氨酯 有机硅 氟化工 磷化工 煤化工 盐化工 精细化工
  芯片封装 集成电路设计 功率半导体 传感器 压力传感器 气体传感器 mems 激光雷达 激光切割 激光焊接 光纤通信 光模块
  显示面板 led照明 mini-led 触摸屏 智能终端 物联网网关 5g基站 卫星导航 北斗定位 无人机 植保无人机 工业机器人
  协作机器人 服务机器人 数控机床 工业母机 减速器 伺服电机 永磁电机 轴承 齿轮箱 液压系统 阀门 泵 压缩机 空压机
  工程机械 起重机 盾构机 挖掘机 农业机械 收割机 插秧机 轨道交通 高铁制动 转向架 新能源汽车 汽车零部件 电驱动系统
  智能网联汽车 自动驾驶 充电桩 换电站 船舶 航空发动机 通用航空 人工智能 机器视觉 图像识别 语音识别 自然语言处理
  大数据分析 云计算 区块链 工业互联网 数字孪生 边缘计算 信息安全 工业软件 智慧农业 智慧城市 智能电网 特高压输电
  配电设备 变压器 电线电缆 生物医药 创新药 中药 中药饮片 中药配方颗粒 医疗器械 体外诊断 疫苗 基因检测 细胞治疗
  医用敷料 康复器械 养老护理设备 兽药 饲料添加剂 生物农药 化肥 缓释肥 土壤修复 节水灌溉 水稻育种 杂交水稻 小麦育种
  油茶 茶叶加工 脐橙保鲜 猕猴桃 食用菌 小龙虾养殖 生猪养殖 水产养殖 食品加工 冷链物流 果蔬保鲜 白酒酿造 乳制品
  肉制品加工 速冻食品 包装材料 纸制品 纺织印染 无纺布 服装智能制造 家具设计 竹木加工 建筑材料 装配式建筑 保温材料
  新型墙体材料 水泥 混凝土外加剂 绿色建材 桥梁检测 隧道施工 道路养护 污水处理 工业废水 垃圾焚烧 固废资源化 烟气脱硫
  烟气脱硝 除尘设备 餐厨垃圾 VOCs治理 尾矿综合利用 煤矸石利用 瓦斯抽采 煤矿安全 矿山机械 选矿 冶炼 铝电解 铜冶炼
  再生资源 废旧电池回收 节能锅炉 余热回收 热泵 空调压缩机 智能家电 厨房电器 智能锁 安防监控 消防设备 应急救援装备
  电动自行车 摩托车 新能源客车 智能仓储 物流分拣 3d打印 增材制造 超声检测 无损检测 精密仪器 分析仪器 环境监测
  水质检测 气象仪器 地质勘探 石油钻采 页岩气 天然气管道 氢能储运 核电设备 电力巡检 输电线路 光电子器件 半导体激光器
  量子通信 声学器件 柔性电子 可穿戴设备 智能手环 教育装备 体育器材 玩具 乐器 陶瓷刀具 刀具 模具 铸造 锻造 热处理
  表面处理 电镀 焊接材料 粉末冶金 纳米材料 催化剂 分子筛 活性炭 膜分离 水处理膜 海水淡化 空气净化
  玻璃钢管道 复合管材 铝合金轮毂 汽车座椅 制动盘 轮胎 橡胶密封件 液晶显示 光刻胶 靶材 晶圆切割 封装基板 覆铜板 pcb
  电子元器件 连接器 继电器 开关柜 断路器 光纤传感 红外热成像 毫米波雷达 超声波探头 射频识别 条码识别 人脸识别
  智能家居 扫地机器人 电动牙刷 空气炸锅 净水器 热水器 地暖 新风系统 门窗型材 瓷砖 卫浴 涂装生产线 喷涂机器人
  搬运机器人 agv小车 立体车库 电梯 自动扶梯 起重吊具 叉车 港口机械 农药喷雾 温室大棚 无土栽培 种子包衣 秸秆还田
  饲料加工 兽用疫苗 宠物食品 中医诊疗 针灸器械 康复机器人 手术器械 骨科植入物 牙科材料 血糖仪 呼吸机 口罩 防护服
  消毒设备 污泥干化 渗滤液处理 脱氮除磷 黑臭水体 河道治理 生态修复 土壤改良 盐碱地改良 光催化 电催化 锂云母提锂
  磷酸铁锂 三元材料 硅碳负极 电池隔膜涂覆 储能电站 虚拟电厂 配网自动化 电能表 充电模块 功率模块 碳化硅器件`);

export const TECH_EN = words(`
  lithium_battery sodium-ion_battery solid-state_battery battery_recycling battery_management cathode_material anode_material
  electrolyte separator_film fuel_cell hydrogen_fuel_cell hydrogen_storage electrolysis solar_panel perovskite_solar_cell
  photovoltaic_module inverter wind_turbine turbine_blade energy_storage supercapacitor graphene carbon_nanotube carbon_fiber
  rare_earth_magnet rare_earth_separation tungsten cemented_carbide superalloy aluminum_alloy magnesium_alloy titanium_alloy
  copper_foil stainless_steel special_steel refractory superhard_material synthetic_diamond silicon_carbide gallium_nitride
  ceramic_glaze electronic_ceramics glass_fiber optical_glass thin_film biodegradable_plastic bio-based_material polymer
  waterproof_coating water-based_paint adhesive nylon polyurethane silicone fluorochemicals phosphate_chemicals
  coal_chemicals fine_chemicals chip_packaging ic_design power_semiconductor sensor pressure_sensor gas_sensor mems lidar
  laser_cutting laser_welding fiber_optics optical_module display_panel led_lighting touch_screen iot_gateway 5g_base_station
  satellite_navigation drone crop-spraying_drone industrial_robot collaborative_robot service_robot cnc_machine_tool
  reducer servo_motor permanent_magnet_motor bearing gearbox hydraulic_system valve pump compressor construction_machinery
  crane tunnel_boring_machine excavator farm_machinery harvester rice_transplanter rail_transit train_brake bogie
  electric_vehicle auto_parts electric_drive connected_vehicle autonomous_driving charging_pile battery_swap shipbuilding
  aero_engine general_aviation artificial_intelligence machine_vision image_recognition speech_recognition nlp big_data
  cloud_computing blockchain industrial_internet digital_twin edge_computing cybersecurity industrial_software smart_farming
  smart_grid uhv_transmission transformer power_cable biopharma new_drug traditional_chinese_medicine herbal_medicine
  medical_device in-vitro_diagnostics vaccine genetic_testing cell_therapy wound_dressing rehabilitation_equipment
  elderly_care_equipment veterinary_drug feed_additive biopesticide fertilizer slow-release_fertilizer soil_remediation
  drip_irrigation rice_breeding hybrid_rice wheat_breeding camellia_oil tea_processing navel_orange mushroom crayfish_farming
  pig_farming aquaculture food_processing cold_chain fruit_preservation liquor_brewing dairy meat_processing frozen_food
  packaging paper_products textile_dyeing nonwoven_fabric furniture_design bamboo_products building_materials
  prefabricated_building insulation_material cement concrete_admixture bridge_inspection tunnel_construction road_maintenance
  wastewater_treatment industrial_wastewater waste_incineration solid_waste_recycling flue_gas_desulfurization
  denitrification dust_removal kitchen_waste voc_treatment tailings_utilization coal_mine_safety mining_machinery
  mineral_processing smelting aluminum_electrolysis copper_smelting e-waste_recycling waste_heat_recovery heat_pump
  smart_appliance kitchen_appliance smart_lock security_camera fire_fighting_equipment e-bike motorcycle smart_warehouse
  parcel_sorting 3d_printing additive_manufacturing ultrasonic_testing non-destructive_testing precision_instrument
  environmental_monitoring water_quality_testing geological_exploration oil_drilling shale_gas gas_pipeline nuclear_equipment
  power_line_inspection optoelectronics semiconductor_laser quantum_communication acoustic_device flexible_electronics
  wearable_device fitness_tracker sports_equipment toy musical_instrument cutting_tool mould casting forging heat_treatment
  surface_treatment electroplating welding_consumables powder_metallurgy nanomaterial catalyst molecular_sieve
  activated_carbon membrane_separation desalination air_purification glass_fibre_reinforced_pipe composite_tubing
  alloy_wheel car_seat brake_disc tyre rubber_seal liquid_crystal_display photoresist sputtering_target wafer_dicing
  packaging_substrate copper_clad_laminate pcb connector relay switchgear circuit_breaker infrared_thermal_imaging
  millimeter-wave_radar ultrasonic_probe rfid barcode_scanning face_recognition smart_home robot_vacuum
  electric_toothbrush air_fryer water_purifier water_heater floor_heating ventilation_system window_profile ceramic_tile
  sanitary_ware spray_painting_line painting_robot agv automated_parking elevator escalator forklift port_machinery
  greenhouse hydroponics seed_coating pet_food acupuncture_device rehabilitation_robot surgical_instrument
  orthopedic_implant dental_material glucose_meter ventilator face_mask protective_clothing disinfection_equipment
  sludge_drying leachate_treatment nitrogen_removal river_restoration ecological_restoration saline_soil_improvement
  photocatalysis electrocatalysis lithium_iron_phosphate silicon-carbon_anode power_station virtual_power_plant
  smart_meter charging_module power_module heat_exchanger boiler gas_turbine steam_generator cooling_tower
  insulation_panel solar_water_heater wood-plastic_composite flame_retardant lubricant biodiesel bioplastic enzyme
  probiotic`).map((w) => w.replace(/_/g, ' '));

/** Places outside the six provinces (province label `null`). */
export const OTHER_ZH = words('广东 深圳 浙江 杭州 江苏 苏州 南京 北京 上海 陕西 西安 四川 成都 山东 青岛 福建 厦门 河北 天津 重庆 云南 广西');
export const OTHER_EN = words('Guangdong Shenzhen Zhejiang Hangzhou Jiangsu Nanjing Beijing Shanghai Shaanxi Sichuan Chengdu Shandong Fujian Tianjin');

export const PATENT_TYPE_ZH: readonly (readonly [string, PatentType])[] = [
  ['发明专利', 'invention'], ['发明', 'invention'], ['实用新型', 'utility_model'], ['实用新型专利', 'utility_model'],
  ['新型专利', 'utility_model'], ['外观设计', 'design'], ['外观专利', 'design'], ['外观设计专利', 'design'],
];
export const PATENT_TYPE_EN: readonly (readonly [string, PatentType])[] = [
  ['invention patents', 'invention'], ['invention patent', 'invention'], ['utility model', 'utility_model'],
  ['utility model patents', 'utility_model'], ['design patents', 'design'], ['design patent', 'design'],
];

export const IPC_CODES = words('H01M H01L G06F G06N G06T H04W H04L B25J B23K B60L C08L C12N A61K A61B A01G A01K C02F F24S G01N E04B B01D C22C H02J F16H');

/** Polite openings and closings; the empty string keeps plain requests common. */
export const ZH_PREFIX = ['', '', '', '', '你好，', '您好，', '请问', '请问一下，', '麻烦问下，', '打扰一下，', '老师好，', '哈喽，', '在吗？', '不好意思，', '请教一下，', '嗨，', '早上好，', '领导您好，', '那个，', '嗯 ', 'hi，', '亲，'];
export const ZH_SUFFIX = ['', '', '', '', '，谢谢', '，谢谢啦', '，多谢', '？', '呀', '啊', '哈', '～', '，麻烦了', '，急', '！！', '，感谢', '。', '，辛苦了', ' 谢谢', '呢'];
export const EN_PREFIX = ['', '', '', '', 'hi, ', 'hello, ', 'hey ', 'excuse me, ', 'good morning, ', 'quick question: ', 'sorry to bother you, ', 'pls ', 'please ', 'um, ', 'ok so ', 'hi there. ', 'dear team, ', 'hey bot, '];
export const EN_SUFFIX = ['', '', '', '', ' thanks', ', thank you', '?', ' pls', ' please', '!', ' asap', ' cheers', ' thx', '...', ', much appreciated'];

/** Off-topic fillers for `unknown`. */
export const FOODS = words('火锅 烧烤 饺子 热干面 臭豆腐 烩面 牛肉粉 小龙虾 螺蛳粉 麻辣烫 米粉 奶茶');
export const FOODS_EN = words('pizza sushi noodles dumplings burgers tacos ramen salad');
export const STOCKS = words('宁德时代 比亚迪 腾讯 中石油 招商银行 特斯拉 苹果 英伟达');
export const STOCKS_EN = words('tesla apple nvidia amazon bitcoin ethereum dogecoin gold');
export const TRIVIA_EN = [
  'what is the capital of australia', 'who painted the mona lisa', 'how far is the moon', 'how many legs does a spider have',
  'who invented the telephone', 'what year did ww2 end', 'what is the tallest mountain', 'who is the richest man alive',
  'translate good night into french', 'how do you boil an egg', 'whats the square root of 144', 'what is 15 percent of 80',
  'summarize this article for me', 'proofread my cover letter', 'write a python script to rename files', 'fix my excel formula',
  'how many calories in a banana', 'best way to learn guitar', 'which phone has the best camera', 'plan a trip to japan',
  'who is playing in the champions league final', 'what movie should i watch tonight', 'how do i lose weight fast',
  'explain quantum physics simply', 'write a birthday message for my mom', 'how to fix a flat tire', 'is coffee bad for you',
  'what is the population of china', 'help me with my chemistry homework', 'convert 30 celsius to fahrenheit',
];
export const TRIVIA_ZH = [
  '澳大利亚的首都是哪里', '长江有多长', '谁发明了电话', '珠穆朗玛峰多高', '李白是哪个朝代的', '一年有多少秒', '地球到月球多远',
  '鲁迅原名叫什么', '光速是多少', '三国是哪三国', '熊猫吃什么', '世界上最大的沙漠是哪个',
  '帮我总结一下这篇文章', '给我改改简历', '用python写个排序', 'excel公式怎么写', '香蕉热量高吗', '怎么学吉他', '哪款手机拍照好',
  '去日本旅游要准备什么', '今晚看什么电影', '怎么快速减肥', '用大白话解释一下量子力学', '给我妈写句生日祝福', '自行车胎漏气怎么补',
  '喝咖啡伤身吗', '中国有多少人口', '化学作业不会做', '30摄氏度是多少华氏度',
];
export const LAW_ZH = [
  '离婚后孩子抚养权归谁', '交通事故对方全责怎么赔', '房东不退押金怎么办', '被公司辞退有没有赔偿', '欠钱不还可以报警吗',
  '遗产继承需要什么手续', '邻居噪音扰民怎么投诉', '网购被骗了怎么追回', '劳动仲裁要多久', '借条怎么写才有效',
];
export const LAW_EN = [
  'my landlord kept my deposit, what can i do', 'how do i file for divorce', 'can my boss fire me without notice',
  'what happens if i get a speeding ticket', 'how to write a will', 'is it legal to record a phone call',
];

"""Vocabulary of the realistic spam set: brands and betting terms, phrase shapes, look-alikes.

Every entry names where it comes from, so results can be split by what the cleaner could know:

* ``observed``: seen while researching real injections (``real_facts.md``, ``observed_vocab.tsv``);
* ``known``: widely advertised names of the same trade, not seen in that research;
* ``made-up``: invented here, standing for tomorrow's brands nobody has listed yet.

Whether an entry is in ``pipelines/cleaning/lexicon.txt`` is computed at run time (the lexicon
changes; this file does not follow it). The phrase builders combine entries the way the hacked
pages did: a country prefix, a company suffix, ranking words, category and channel words, two
phrases joined by a separator, Latin or digit names glued to Chinese.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

OBSERVED, KNOWN, MADE_UP = "observed", "known", "made-up"


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    cls: str  # "brand" | "latin" | "mixed" | "digits" | "term"
    origin: str


def _entries(cls: str, origin: str, words: str) -> list[Entry]:
    return [Entry(w, cls, origin) for w in words.split()]


# Chinese brand names, two to five characters
CJK_BRANDS = (
    _entries("brand", OBSERVED, "必威 好博 凯捷 沙巴 亚博 申博 太阳城 威廉希尔 金沙城中心 威尼斯人 彩神争霸 香港马会 新澳门")
    + _entries(
        "brand",
        KNOWN,
        "开云 华体会 乐鱼 九游 米乐 万博 凯发 天博 爱游戏 博鱼 金宝博 伟德 立博 美高梅 新濠 尊龙 明升 利来 千亿"
        " 宝博 葡京 新葡京 雷竞技 九游会 澳门银河 永利皇宫 易胜博 博狗 优德 金博宝 必发 永盈会 金年会 新利"
        " 乐天堂 博天堂 沙龙会 大富豪 银河娱乐",
    )
    + _entries("brand", MADE_UP, "恒耀 盛鼎 鑫辉 宏运 金樽 聚宝盈 汇通达 富盈 鼎丰 星耀 旺利 永发 瑞博 金狮 龙腾 百盛 嘉禾 博瑞")
)
# Latin names (lower or mixed case), some with digits
LATIN_BRANDS = _entries(
    "latin", OBSERVED, "bet365 bwin sportingbet pixbet 888poker 98win kuwin sunwin rikvip luk88 yabo maxwin gigaslot boss88"
) + _entries("latin", KNOWN, "betway kaiyun leyu manbetx raybet 1xbet 12bet w88 m88 dafabet betvictor ladbrokes bbin")
# Chinese name + Latin name glued (华体会hth)
MIXED_BRANDS = _entries(
    "mixed",
    KNOWN,
    "华体会hth 米乐m6 万博manbetx 雷竞技raybet ky开云 亚博yabo 乐鱼leyu 必威betway 爱游戏ayx 新利18luck 九游jiuyou 金博宝188",
) + _entries("mixed", MADE_UP, "恒耀hy 鑫辉xh88 盛鼎sd")
# digits inside or before the name (188金宝博)
DIGIT_BRANDS = _entries("digits", KNOWN, "188金宝博 6686体育 365体育 8868娱乐 9393彩票 500彩 3499娱乐 2028体育") + _entries(
    "digits", MADE_UP, "7788娱乐 66彩 918博天堂"
)
# betting and gambling vocabulary: live scores, odds, guessing, ranking, gambling words
TERMS = _entries(
    "term",
    OBSERVED,
    "赌博 赌钱 赌球 赌资 外围博彩 私彩 体育博彩 即时比分 赛事分析 赔率 竞猜 押注 比分 欧洲杯投注 世界杯竞猜 开奖结果"
    " 今晚开奖 特马 特码 四肖八码 期期必中 彩金 真人棋牌 点击注册 快三 时时彩 炸金花 现金网 老虎机 百家乐 体验金"
    " 北京赛车 极速赛车 一肖中特 跑狗图 红黑大战 大小单双 注册送 备用网址 开户网址 娱乐总代理 直营网 开奖直播",
) + _entries(
    "term",
    KNOWN,
    "买球 网投 足球投注 篮球投注 真人荷官 真人视讯 电子游艺 娱乐城 线上赌场 菠菜 博彩 六合彩 幸运飞艇 让球 大小球 滚球"
    " 串关 盘口 水位 返水 首充 捕鱼游戏 斗地主赢钱 牛牛 德州扑克 赌场 滚球投注 足球竞猜",
)

ALL_ENTRIES: tuple[Entry, ...] = tuple(CJK_BRANDS + LATIN_BRANDS + MIXED_BRANDS + DIGIT_BRANDS + TERMS)

CATEGORIES = ("体育", "娱乐", "棋牌", "彩票", "电竞", "真人", "体育娱乐")
CHANNELS = ("app", "官网", "平台", "app下载", "官方网站", "登录入口", "官网入口", "网址", "手机版", "注册", "在线")
COUNTRIES = ("英国", "澳门", "英国皇家", "菲律宾", "美国")
COMPANY = ("公司", "集团", "有限公司", "官方认证")
RANKING = ("十大", "正规", "信誉", "十大正规", "十大信誉", "靠谱的", "排名前十的")
SEPARATORS = (",", "，", "、", "|", "_", " ", "-")

#: phrase shapes, in the vocabulary of this evaluation (not the cleaner's)
SHAPES = (
    "bare",  # a brand alone (乐鱼)
    "brand+category",  # 乐鱼体育
    "brand+category+channel",  # 乐鱼体育官网入口
    "brand+channel",  # 开云app下载
    "latin",  # betway, bet365
    "latin+category",  # kuwin体育
    "mixed",  # 华体会hth, 华体会hth体育
    "digits",  # 188金宝博
    "company",  # 英国立博公司
    "ranking",  # 十大正规买球平台
    "joined",  # 英国威廉希尔公司，十大正规博彩公司 / 必威体育平台,必威体育app
    "term",  # 即时比分, 足球赔率
    "domain",  # www.365-818.com
    "bracketed",  # 澳门金沙城中心_欧洲杯足球网-【投注官网平台】
)


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    shape: str
    entries: tuple[Entry, ...]


class PhraseMaker:
    """Builds phrases in every shape, cycling through the entries so each is used."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._queues: dict[str, list[Entry]] = {}

    def _next(self, *classes: str) -> Entry:
        key = "+".join(classes)
        queue = self._queues.get(key)
        if not queue:
            queue = [e for e in ALL_ENTRIES if e.cls in classes]
            self.rng.shuffle(queue)
            self._queues[key] = queue
        return queue.pop()

    def make(self, shape: str) -> Phrase:
        r = self.rng
        if shape == "bare":
            e = self._next("brand")
            return Phrase(e.term, shape, (e,))
        if shape == "brand+category":
            e = self._next("brand")
            return Phrase(e.term + r.choice(CATEGORIES), shape, (e,))
        if shape == "brand+category+channel":
            e = self._next("brand")
            return Phrase(e.term + r.choice(CATEGORIES) + r.choice(CHANNELS), shape, (e,))
        if shape == "brand+channel":
            e = self._next("brand", "digits")
            return Phrase(e.term + r.choice(CHANNELS), shape, (e,))
        if shape == "latin":
            e = self._next("latin")
            text = e.term if r.random() < 0.6 else e.term.upper() if len(e.term) <= 5 else e.term.capitalize()
            return Phrase(text, shape, (e,))
        if shape == "latin+category":
            e = self._next("latin")
            return Phrase(e.term + r.choice(CATEGORIES) + r.choice(("", "", "官网", "app")), shape, (e,))
        if shape == "mixed":
            e = self._next("mixed")
            return Phrase(e.term + r.choice(("", "体育", "体育官网", "娱乐", "app")), shape, (e,))
        if shape == "digits":
            e = self._next("digits")
            return Phrase(e.term + r.choice(("", "官网", "平台", "app下载")), shape, (e,))
        if shape == "company":
            e = self._next("brand", "latin")
            return Phrase(r.choice(COUNTRIES) + e.term + r.choice(COMPANY), shape, (e,))
        if shape == "ranking":
            e = self._next("term")
            return Phrase(r.choice(RANKING) + e.term + r.choice(("平台", "公司", "app", "网站", "平台排名")), shape, (e,))
        if shape == "joined":
            if r.random() < 0.5:
                a, b = self._next("brand", "latin"), self._next("term")
                first = r.choice(COUNTRIES[:2]) + a.term + r.choice(COMPANY[:2])
                second = r.choice(RANKING[:4]) + b.term + r.choice(("公司", "平台"))
                return Phrase(first + r.choice(("，", ",")) + second, shape, (a, b))
            a = self._next("brand")
            cat = r.choice(CATEGORIES[:3])
            chans = r.sample(CHANNELS[:6], 2)
            return Phrase(f"{a.term}{cat}{chans[0]}{r.choice(SEPARATORS[:4])}{a.term}{cat}{chans[1]}", shape, (a,))
        if shape == "term":
            e = self._next("term")
            return Phrase(e.term + r.choice(("", "", "网", "平台", "app", "官网")), shape, (e,))
        if shape == "domain":
            e = self._next("latin", "digits")
            label = "".join(c for c in e.term if c.isascii()) or "365"
            text = f"www.{label}-{r.randint(100, 999)}.{r.choice(('com', 'net', 'vip', 'cc'))}"
            return Phrase(text, shape, (e,))
        if shape == "bracketed":
            a, b = self._next("brand"), self._next("term")
            text = f"澳门{a.term}_{b.term}网-【{r.choice(('投注', '下注', '买球'))}官网平台】"
            return Phrase(text, shape, (a, b))
        raise ValueError(f"unknown shape {shape!r}")


# Legitimate look-alikes for negative pages: what real reports say and must keep
LOOKALIKE_PLACES = ("皇冠镇", "金沙镇", "凤凰镇", "银河乡", "太阳乡", "江南镇", "永利村", "星空村", "半岛社区", "大发村")
LOOKALIKE_ACCOUNTS = ("i仁寿", "i剑阁", "微苍溪", "洪雅教育发布", "剑阁教体", "掌上旺苍APP", "e兴文", "智慧丹棱", "运动广元")
ABBREVIATIONS = ("APP", "PDF", "QQ", "ICP", "GDP", "5G", "Wi-Fi", "LED", "OA", "WPS", "GB/T 9704", "G318", "S106", "AI", "CPI")

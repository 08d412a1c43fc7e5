#!/usr/bin/env python3
"""Document-QA benchmark: realistic documents with planted facts and conflicts, and questions with
exact expected answers and pages.

    generate.py OUT_DIR [--split tune|heldout|all]

Writes, per document, OUT_DIR/<id>.json: {"id", "split", "language", "kind", "title",
"pages": [html, ...], "questions": [...]}. bench/docqa/run.sh renders each to a real PDF with
`folio-docqa render` (Qt's PDF writer, CJK fonts embedded) and asks the questions through the
app's own pipeline (`folio-docqa ask`).

A question: {"id", "type", "question", "pages": [expected pages], "expect": {...}} where expect is
one of
    {"any": [[alt, ...], ...]}   every group must be matched by one of its alternatives
    {"conflict": true|false, "values": [[alt...], ...]}   yes/no, and on yes the values named
    {"conflicts": [[[alt...], ...], ...]}  list-all: each planted conflict's value groups
    {"not_stated": true}
Types: lookup, number, conflict, conflict_list, multihop, not_stated.

Splits with disjoint seeds: "tune" (prompts and heuristics may be adjusted on it), "heldout"
(never looked at while tuning; reported separately), "long" (80-100 pages, read by retrieval:
over 32K tokens; never tuned on either), "longtune" (long documents of other kinds and seeds, on
which the retrieval cap's time budget was chosen) and "scanned" (image-only pages, read by OCR).
"""
import argparse
import html
import json
import os
import random

CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CN_UNITS = ["", "拾", "佰", "仟"]
CN_SMALL = "零一二三四五六七八九"


def cn_upper(n):
    """1280000 -> 壹佰贰拾捌万 (amounts in whole yuan, < 1e12)."""
    def four(x):
        s, zero = "", False
        for i in range(3, -1, -1):
            d = (x // 10 ** i) % 10
            if d == 0:
                zero = bool(s)
                continue
            if zero:
                s += "零"
                zero = False
            s += CN_DIGITS[d] + CN_UNITS[i]
        return s
    parts = [(n // 10 ** 8) % 10 ** 4, (n // 10 ** 4) % 10 ** 4, n % 10 ** 4]
    out = ""
    for value, unit in zip(parts, ["亿", "万", ""]):
        if value:
            if out and value < 1000:
                out += "零"
            out += four(value) + unit
    return out or "零"


def cn_small(n):
    """5 -> 五, 12 -> 十二, 20 -> 二十, 31 -> 三十一 (clause numbers < 100)."""
    if n < 10:
        return CN_SMALL[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_SMALL[tens]) + "十" + (CN_SMALL[ones] if ones else "")


ZH_COMPANIES = ["北京星河信息技术有限公司", "上海明远软件有限公司", "深圳恒通科技股份有限公司",
                "杭州云帆数据服务有限公司", "广州华信咨询有限公司", "成都锦程网络科技有限公司",
                "南京博远智能系统有限公司", "武汉长江电子商务有限公司", "西安启航教育科技有限公司",
                "苏州和泰制造有限公司", "天津海融物流有限公司", "重庆山城软件开发有限公司"]
EN_COMPANIES = ["Northwind Analytics Ltd.", "Bluefield Systems Inc.", "Harbor Logistics GmbH",
                "Crestline Software LLC", "Meridian Health Partners", "Oakridge Manufacturing Co.",
                "Silverline Consulting Ltd.", "Redwood Data Services Inc.", "Granite Peak Energy LLC",
                "Lakeshore Retail Group", "Summit Biotech Ltd.", "Ironbridge Engineering PLC"]
ZH_ARBITRATION = ["中国国际经济贸易仲裁委员会", "上海国际仲裁中心", "深圳国际仲裁院", "北京仲裁委员会"]
ZH_COURTS = ["甲方所在地人民法院", "乙方所在地人民法院", "合同签订地人民法院"]
EN_ARBITRATION = ["the Singapore International Arbitration Centre",
                  "the London Court of International Arbitration",
                  "the International Chamber of Commerce in Paris",
                  "the Hong Kong International Arbitration Centre"]
EN_COURTS = ["the courts of England", "the state courts of New York", "the courts of Ontario"]
EN_NUM = {7: "seven", 10: "ten", 14: "fourteen", 15: "fifteen", 20: "twenty", 30: "thirty",
          45: "forty-five", 60: "sixty", 90: "ninety", 120: "one hundred and twenty"}

ZH_BOILER = [
    "双方应本着诚实信用原则履行本合同，任何一方不得利用本合同从事违法活动。",
    "本合同的标题仅为方便阅读而设，不影响对条款的解释。",
    "一方未行使或迟延行使本合同项下的任何权利，不构成对该权利的放弃。",
    "本合同任何条款被认定为无效的，不影响其他条款的效力。",
    "双方确认已仔细阅读并充分理解本合同全部条款的含义及法律后果。",
    "本合同未尽事宜，由双方另行协商并签订补充协议，补充协议与本合同具有同等法律效力。",
    "双方应指定专人负责本合同的联络与协调工作，联系人变更的应及时书面告知对方。",
    "各方应遵守国家有关法律法规及行业规范，并对其员工的行为承担责任。",
    "乙方应按照甲方的合理要求提供工作报告，报告内容包括工作进度、存在的问题及改进措施。",
    "双方在履行本合同过程中形成的往来函件、会议纪要等文件，经双方确认后作为本合同的组成部分。",
]
EN_BOILER = [
    "The parties shall perform this Agreement in good faith and shall not use it for any "
    "unlawful purpose.",
    "Headings are inserted for convenience only and do not affect the interpretation of this "
    "Agreement.",
    "No failure or delay by a party in exercising any right under this Agreement operates as a "
    "waiver of that right.",
    "If any provision of this Agreement is held invalid, the remaining provisions remain in full "
    "force and effect.",
    "Each party confirms that it has read and understood all provisions of this Agreement and "
    "their legal consequences.",
    "Matters not covered by this Agreement shall be settled by a written supplementary agreement "
    "signed by both parties, which has the same legal force as this Agreement.",
    "Each party shall appoint a contact person responsible for communication under this "
    "Agreement and shall notify the other party in writing of any change.",
    "Each party shall comply with applicable laws, regulations and industry standards and is "
    "responsible for the conduct of its personnel.",
    "The Supplier shall provide progress reports at the Customer's reasonable request, covering "
    "progress, open issues and corrective measures.",
    "Correspondence and minutes of meetings confirmed by both parties form part of this "
    "Agreement.",
]
EN_PLACES = ["London", "Singapore", "Toronto", "Berlin", "Sydney", "Dublin"]
ZH_PLACES = ["北京市海淀区", "上海市浦东新区", "深圳市南山区", "杭州市西湖区", "成都市高新区"]

CONTRACT_KINDS = {
    "zh": [("services", "技术服务合同"), ("purchase", "设备采购合同"),
           ("lease", "房屋租赁合同"), ("nda", "保密协议")],
    "en": [("services", "Services Agreement"), ("purchase", "Purchase Agreement"),
           ("lease", "Lease Agreement"), ("nda", "Non-Disclosure Agreement")],
}


class Doc:
    """Pages of HTML built from blocks; each block is placed on a page by a character budget."""

    def __init__(self, language, page_chars):
        self.language = language
        self.page_chars = page_chars
        self.pages = [[]]
        self.used = 0

    def add(self, html_text, chars, keep_with_next=False):
        if self.used + chars > self.page_chars and self.pages[-1]:
            self.pages.append([])
            self.used = 0
        self.pages[-1].append(html_text)
        self.used += chars
        return len(self.pages)  # 1-based page of this block

    def heading(self, text):
        # A heading is never the last block of a page.
        if self.used + len(text) + 160 > self.page_chars and self.pages[-1]:
            self.pages.append([])
            self.used = 0
        return self.add("<h3>%s</h3>" % html.escape(text), len(text) + 40)

    def para(self, text):
        return self.add("<p>%s</p>" % html.escape(text), len(text) + 20)

    def table(self, header, rows):
        cells = "".join("<th>%s</th>" % html.escape(h) for h in header)
        body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % html.escape(str(c)) for c in r)
                       for r in rows)
        chars = 60 * (len(rows) + 1)
        return self.add('<table border="1" cellpadding="4" cellspacing="0"><tr>%s</tr>%s</table>'
                        % (cells, body), chars)

    def new_page(self):
        if self.pages[-1]:
            self.pages.append([])
            self.used = 0

    def html_pages(self, footer):
        return ["".join(p) + '<p align="center"><small>%s</small></p>' % html.escape(footer % (i + 1))
                for i, p in enumerate(self.pages)]


def contract(rng, language, kind, title, conflicts, pages_target, doc_id, split):
    """A contract with numbered clauses, planted facts and the given planted conflict kinds."""
    zh = language == "zh"
    doc = Doc(language, 1000 if zh else 2600)
    companies = rng.sample(ZH_COMPANIES if zh else EN_COMPANIES, 2)
    amount = rng.choice([180, 256, 320, 480, 650, 880, 1280, 1560, 2400, 3600]) * 1000
    amount2 = amount + rng.choice([50, 80, 120, 200]) * 1000
    pay = rng.choice([15, 30, 45])
    pay2 = rng.choice([d for d in (30, 45, 60, 90) if d != pay])
    notice = rng.choice([30, 60, 90])
    notice2 = rng.choice([d for d in (15, 30, 45, 60) if d != notice])
    rate = rng.choice(["0.05", "0.03", "0.1", "0.5"])
    warranty = rng.choice([6, 12, 18, 24])
    confidentiality = rng.choice([2, 3, 5])
    acceptance = rng.choice([5, 7, 10, 15])
    copies = rng.choice([2, 4])
    arbitration = rng.choice(ZH_ARBITRATION if zh else EN_ARBITRATION)
    court = rng.choice(ZH_COURTS if zh else EN_COURTS)
    year = rng.choice([2025, 2026, 2027])
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    place = rng.choice(ZH_PLACES if zh else EN_PLACES)
    style = rng.choice(["cn", "arabic"]) if zh else rng.choice(["Article", "Clause", "Section"])

    def cnum(n):
        if zh:
            return "第%s条" % (cn_small(n) if style == "cn" else str(n))
        return "%s %d" % (style, n)

    def qnum(n):  # how a question names a clause (the 第5条 form, whatever the document)
        return "第%d条" % n if zh else "%s %d" % (style, n)

    def amount_text(a):
        return "人民币%s元（大写：人民币%s元整）" % (format(a, ","), cn_upper(a)) if zh else \
            "USD %s (%s US dollars)" % (format(a, ","), words_amount(a))

    # The clauses, in order: (key, zh title, en title, body builder). Bodies return text.
    has = set(conflicts)
    clauses = []

    def clause(key, zh_title, en_title, body):
        clauses.append((key, zh_title if zh else en_title, body))

    clause("definitions", "定义", "Definitions",
           "本合同中，“工作日”指中华人民共和国法定工作日；“日”指自然日；“交付成果”指乙方依据本合同向甲方"
           "交付的全部文档、软件及其他成果。" if zh else
           "In this Agreement, \"Business Day\" means a day other than a Saturday, Sunday or public "
           "holiday; \"day\" means a calendar day; \"Deliverables\" means all documents, software "
           "and other results the Supplier delivers under this Agreement.")
    clause("scope", "合同标的", "Scope",
           "乙方根据甲方的需求，向甲方提供本合同约定的%s，具体内容详见附件一。" % kind_object(kind, zh) if zh else
           "The Supplier shall provide the Customer with the %s described in Schedule 1." %
           kind_object(kind, zh))
    clause("price", "合同价款", "Price",
           "本合同总价款为%s，该价款已包含税费及乙方履行本合同所需的全部费用。" % amount_text(amount) if zh else
           "The total contract price is %s, inclusive of taxes and of all costs of the Supplier's "
           "performance." % amount_text(amount))
    clause("payment", "付款方式", "Payment",
           "甲方应在收到乙方开具的合法有效发票后%d日内，将相应款项支付至乙方指定账户。" % pay if zh else
           "The Customer shall pay each undisputed invoice within %d days of receiving it, to the "
           "account the Supplier designates." % pay)
    clause("delivery", "履行期限", "Delivery",
           "乙方应于%d年%d月%d日前完成全部工作并向甲方交付成果。" % (year, month, day) if zh else
           "The Supplier shall complete all work and deliver the Deliverables by %s %d, %d." %
           (MONTHS[month - 1], day, year))
    # A definition used two ways: the acceptance clause counts working days its own way.
    clause("acceptance", "验收", "Acceptance",
           "甲方应在收到交付成果后%d个工作日内组织验收，逾期未提出书面异议的，视为验收合格。" % acceptance +
           ("本条所称“工作日”包括星期六。" if "definition" in has else "")
           if zh else
           "The Customer shall inspect the Deliverables within %d Business Days of delivery; "
           "without written objection in that period they are deemed accepted." % acceptance +
           (" For the purposes of this clause, \"Business Days\" include Saturdays."
            if "definition" in has else ""))
    clause("warranty", "质量保证", "Warranty",
           "质保期为验收合格之日起%d个月，质保期内乙方应免费修复交付成果的缺陷。" % warranty if zh else
           "The warranty period is %d months from acceptance, during which the Supplier shall "
           "remedy defects free of charge." % warranty)
    clause("confidentiality", "保密", "Confidentiality",
           "双方对在履行本合同过程中知悉的对方商业秘密负有保密义务，保密期限为本合同终止后%d年。" %
           confidentiality if zh else
           "Each party shall keep the other's confidential information secret for %d years after "
           "this Agreement ends." % confidentiality)
    clause("penalty", "违约责任", "Late payment",
           "甲方逾期付款的，每逾期一日，应按逾期未付金额的%s%%向乙方支付违约金。" % rate if zh else
           "If the Customer pays late, it shall pay a late-payment penalty of %s%% of the overdue "
           "amount for each day of delay." % rate)
    clause("termination", "合同解除", "Termination",
           "任何一方可提前%d日以书面形式通知对方解除本合同。" % notice if zh else
           "Either party may terminate this Agreement by giving %d days' written notice to the "
           "other party." % notice)
    clause("ip", "知识产权", "Intellectual property",
           "交付成果的知识产权自甲方付清全部价款之日起归甲方所有。" if zh else
           "Intellectual property in the Deliverables passes to the Customer when the price has "
           "been paid in full.")
    clause("force_majeure", "不可抗力", "Force majeure",
           "因不可抗力不能履行合同的，受影响一方应及时通知对方，并在合理期限内提供证明。" if zh else
           "A party prevented from performing by force majeure shall notify the other party "
           "promptly and provide evidence within a reasonable time.")
    clause("invoice", "发票与结算", "Invoicing",
           ("乙方应在每个结算周期结束后开具发票；甲方应在收到发票后%d日内付款。" %
            (pay2 if "deadline" in has else pay)) if zh else
           ("The Supplier shall invoice at the end of each billing period, and the Customer shall "
            "pay within %d days of receipt of the invoice." % (pay2 if "deadline" in has else pay)))
    clause("notices", "通知与送达", "Notices",
           ("一方解除本合同的，应至少提前%d日书面通知对方。其他通知以书面形式送达对方地址即视为送达。" %
            notice2 if "notice" in has else
            "本合同项下的通知应以书面形式送达对方在本合同首部列明的地址，自送达之日起生效。") if zh else
           ("A party terminating this Agreement shall give the other party at least %d days' "
            "written notice. Other notices are effective when delivered to the addresses above." %
            notice2 if "notice" in has else
            "Notices under this Agreement shall be in writing and are effective when delivered to "
            "the addresses stated above."))
    clause("dispute", "争议解决", "Disputes",
           "因本合同引起的争议，双方应协商解决；协商不成的，任何一方均可将争议提交%s仲裁，仲裁裁决是终局的。" %
           arbitration if zh else
           "Disputes arising from this Agreement shall be settled by negotiation, failing which "
           "either party may refer them to arbitration by %s; the award is final." % arbitration)
    clause("misc", "其他", "Miscellaneous",
           ("本合同一式%d份，双方各执%d份，具有同等法律效力。" % (copies, copies // 2)) +
           ("如发生争议，任何一方均可向%s提起诉讼。" % court if "procedure" in has else "") if zh else
           ("This Agreement is signed in %d counterparts, each of equal force." % copies) +
           (" Any dispute may be brought before %s." % court if "procedure" in has else ""))
    # Boilerplate clauses between the real ones until the page target is reached: at most six
    # clauses (real contracts have 15-30), each of several paragraphs.
    boiler = ZH_BOILER if zh else EN_BOILER
    body_chars = sum(len(c[2]) + 60 for c in clauses) + 600
    room = max(0, pages_target * doc.page_chars * 0.8 - body_chars)
    paragraph_chars = sum(len(b) for b in boiler) / len(boiler) * 3 + 20
    paragraphs = int(room / paragraph_chars)
    extra = [[] for _ in range(min(6, max(1, paragraphs // 2)))] if paragraphs else []
    for k in range(paragraphs):
        extra[k % len(extra)].append(("" if zh else " ").join(rng.sample(boiler, 3)))
    ordered = []
    extra_titles_zh = ["双方陈述与保证", "人员管理", "工作报告", "合同文件", "一般规定", "合作机制"]
    extra_titles_en = ["Representations", "Personnel", "Reporting", "Contract documents",
                       "General", "Cooperation"]
    slots = sorted(rng.sample(range(1, len(clauses)), len(extra)))
    for idx, c in enumerate(clauses):
        if idx in slots:
            k = slots.index(idx)
            ordered.append(("boiler", (extra_titles_zh if zh else extra_titles_en)[k], extra[k]))
        ordered.append(c)

    # Render: title page block, parties, clauses, annex table.
    doc.add("<h2 align=\"center\">%s</h2>" % html.escape(title), 60)
    doc.para(("合同编号：FL-%d-%04d" % (year, rng.randint(1, 9999))) if zh else
             ("Agreement No. FL-%d-%04d" % (year, rng.randint(1, 9999))))
    doc.para(("甲方：%s" if zh else "Customer: %s") % companies[0])
    doc.para(("乙方：%s" if zh else "Supplier: %s") % companies[1])
    doc.para(("签订地点：%s" if zh else "Place of signing: %s") % place)
    where = {}
    number = {}
    for n, (key, ctitle, text) in enumerate(ordered, start=1):
        page = doc.heading("%s %s" % (cnum(n), ctitle) if zh else "%s. %s" % (cnum(n), ctitle))
        for t in (text if isinstance(text, list) else [text]):
            page = doc.para(t)
        where[key] = page
        number[key] = n
    doc.new_page()
    annex_total = amount2 if "amount" in has else amount
    items = split_amount(rng, annex_total, 4)
    names = (["需求分析", "系统开发", "部署实施", "培训与支持"] if zh else
             ["Requirements analysis", "Development", "Deployment", "Training and support"])
    doc.heading("附件一：费用明细" if zh else "Schedule 1: Price breakdown")
    annex_page = doc.table(["序号", "项目", "金额（元）"] if zh else ["No.", "Item", "Amount (USD)"],
                           [[i + 1, names[i], format(items[i], ",")] for i in range(4)] +
                           [["", "合计" if zh else "Total", format(annex_total, ",")]])
    doc.para(("附件一所列合计金额为本合同的结算依据。" if zh else
              "The total in this Schedule is the basis of settlement."))

    p = where
    q = []

    def add(qtype, text, pages, expect):
        q.append({"id": "%s-q%02d" % (doc_id, len(q) + 1), "type": qtype, "question": text,
                  "pages": sorted(set(pages)), "expect": expect})

    amt_alts = amount_alternatives(amount, zh)
    if zh:
        add("lookup", "逾期付款的违约金是如何约定的？", [p["penalty"]], {"any": [[rate + "%"]]})
        add("lookup", "任何一方解除合同需要提前多少日通知？" if "notice" not in has else
            "%s规定解除合同需要提前多少日通知？" % qnum(number["termination"]),
            [p["termination"]], {"any": [[str(notice)]]})
        add("lookup", "合同争议由哪个仲裁机构仲裁？", [p["dispute"]], {"any": [[arbitration]]})
        add("number", "合同总价款是多少？", [p["price"]], {"any": [amt_alts]})
        add("number", "合同总价款的大写金额是什么？", [p["price"]], {"any": [[cn_upper(amount)]]})
        add("lookup", "质保期是多长时间？", [p["warranty"]], {"any": [["%d个月" % warranty]]})
        add("lookup", "甲方是哪家公司？", [1], {"any": [[companies[0]]]})
        add("not_stated", "合同是否约定了乙方需要购买的保险及保险金额？", [], {"not_stated": True})
        add("not_stated", "合同约定的项目经理是谁？", [], {"not_stated": True})
        # The payment pair: conflicting or not.
        add("conflict", "%s和%s是否存在冲突？" % (qnum(number["payment"]), qnum(number["invoice"])),
            [p["payment"], p["invoice"]],
            {"conflict": "deadline" in has,
             "values": [[str(pay)], [str(pay2)]] if "deadline" in has else []})
        add("conflict", "%s和%s关于“工作日”的约定是否存在冲突？" %
            (qnum(number["definitions"]), qnum(number["acceptance"])),
            [p["definitions"], p["acceptance"]],
            {"conflict": "definition" in has,
             "values": DEFINITION_VALUES["zh"] if "definition" in has else []})
        add("multihop", "如果甲方逾期10日支付全部合同价款，违约金是多少元？", [p["penalty"], p["price"]],
            {"any": [amount_alternatives(round(amount * float(rate) / 100 * 10), zh)]})
        add("conflict_list", "请列出本合同中所有相互矛盾的条款。",
            [p[k] for k in conflict_pages(has)] + ([annex_page] if "amount" in has else []),
            {"conflicts": conflict_values(has, zh, pay, pay2, notice, notice2, amount, amount2,
                                          arbitration, court)})
    else:
        add("lookup", "What is the late-payment penalty?", [p["penalty"]], {"any": [[rate + "%"]]})
        add("lookup", "How many days' notice is needed to terminate under %s?" %
            qnum(number["termination"]), [p["termination"]], {"any": [[str(notice), EN_NUM.get(notice, "#")]]})
        add("lookup", "Which institution arbitrates disputes?", [p["dispute"]],
            {"any": [[arbitration.replace("the ", "", 1)]]})
        add("number", "What is the total contract price?", [p["price"]], {"any": [amt_alts]})
        add("lookup", "How long is the warranty period?", [p["warranty"]],
            {"any": [["%d months" % warranty, "%d-month" % warranty]]})
        add("lookup", "Who is the Customer?", [1], {"any": [[companies[0].rstrip(".")]]})
        add("not_stated", "What insurance must the Supplier carry, and for how much?", [],
            {"not_stated": True})
        add("not_stated", "Who is the project manager named in the agreement?", [],
            {"not_stated": True})
        add("conflict", "Do %s and %s conflict?" % (qnum(number["payment"]), qnum(number["invoice"])),
            [p["payment"], p["invoice"]],
            {"conflict": "deadline" in has,
             "values": [[str(pay)], [str(pay2)]] if "deadline" in has else []})
        add("conflict", "Do %s and %s conflict on what a Business Day is?" %
            (qnum(number["definitions"]), qnum(number["acceptance"])),
            [p["definitions"], p["acceptance"]],
            {"conflict": "definition" in has,
             "values": DEFINITION_VALUES["en"] if "definition" in has else []})
        add("multihop", "If the Customer pays the whole contract price 10 days late, how much is "
            "the penalty?", [p["penalty"], p["price"]],
            {"any": [amount_alternatives(round(amount * float(rate) / 100 * 10), zh)]})
        add("conflict_list", "List all clauses of this agreement that contradict each other.",
            [p[k] for k in conflict_pages(has)] + ([annex_page] if "amount" in has else []),
            {"conflicts": conflict_values(has, zh, pay, pay2, notice, notice2, amount, amount2,
                                          arbitration, court)})
    footer = ("第 %d 页" if zh else "Page %d")
    return {"id": doc_id, "split": split, "language": language, "kind": kind, "title": title,
            "pages": doc.html_pages(footer), "questions": q,
            "planted_conflicts": sorted(has)}


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def kind_object(kind, zh):
    table = {"services": ("技术服务", "technical services"), "purchase": ("设备及安装服务", "equipment and installation"),
             "lease": ("房屋租赁及物业服务", "premises and building services"),
             "nda": ("信息交换及评估服务", "information exchange and evaluation services")}
    return table[kind][0 if zh else 1]


def words_amount(a):
    thousands = a // 1000
    return "%s thousand" % format(thousands, ",") if a % 1000 == 0 else format(a, ",")


def amount_alternatives(a, zh):
    """Ways an answer may write the amount a: 1,280,000 / 1280000 / 128万 / 壹佰贰拾捌万 / 1.28 million."""
    alts = [format(a, ","), str(a)]
    if a % 10000 == 0:
        alts.append("%d万" % (a // 10000))
    if a % 100 == 0 and a >= 10000:
        alts.append("%g万" % (a / 10000))
    alts.append(cn_upper(a))
    if a >= 1000000:
        alts.append("%g million" % (a / 1e6))
    return alts


# What an answer names for the definition conflict: the definition (statutory working days; not a
# Saturday, Sunday or holiday) and the clause's own (Saturdays included).
DEFINITION_VALUES = {
    "zh": [["法定工作日", "法定节假日", "周一至周五", "星期一至星期五"], ["星期六", "周六"]],
    "en": [["other than", "exclud", "Sunday", "public holiday", "Monday to Friday"],
           ["include", "Saturdays count", "Saturday is"]],
}


def conflict_pages(has):
    keys = {"deadline": ["payment", "invoice"], "notice": ["termination", "notices"],
            "procedure": ["dispute", "misc"], "amount": ["price"],
            "definition": ["definitions", "acceptance"]}
    return [k for c in sorted(has) for k in keys[c]]


def conflict_values(has, zh, pay, pay2, notice, notice2, amount, amount2, arbitration, court):
    out = []
    for c in sorted(has):
        if c == "deadline":
            out.append([[str(pay)], [str(pay2)]])
        elif c == "notice":
            out.append([[str(notice)], [str(notice2)]])
        elif c == "amount":
            out.append([amount_alternatives(amount, zh), amount_alternatives(amount2, zh)])
        elif c == "procedure":
            out.append([["仲裁" if zh else "arbitrat"], ["法院" if zh else "court"]])
        elif c == "definition":
            out.append(DEFINITION_VALUES["zh" if zh else "en"])
    return out


def split_amount(rng, total, n):
    cuts = sorted(rng.sample(range(1, total // 1000), n - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [total // 1000])]
    return [x * 1000 for x in parts]


def paper(rng, language, doc_id, split, pages_target):
    """A research paper / technical report with sections, a results table and planted facts."""
    zh = language == "zh"
    doc = Doc(language, 1000 if zh else 2600)
    participants = rng.choice([48, 64, 120, 256, 412])
    participants2 = participants + rng.choice([12, 20, 36])
    conflict = rng.random() < 0.5
    accuracy = rng.choice(["87.4", "91.2", "78.9", "83.6"])
    lr = rng.choice(["3e-4", "1e-3", "5e-5"])
    grant = "%s-%d" % (rng.choice(["NSF", "NSFC", "ERC"]), rng.randint(100000, 999999))
    inst = rng.choice(["清华大学计算机系", "浙江大学医学院", "复旦大学数据科学学院"] if zh else
                      ["the University of Edinburgh", "ETH Zurich", "the University of Toronto"])
    epochs = rng.choice([10, 20, 40])
    title = ("基于多模态数据的临床风险预测研究" if zh else
             "Clinical Risk Prediction from Multimodal Records")
    doc.add("<h2 align=\"center\">%s</h2>" % html.escape(title), 60)
    doc.para(("作者单位：%s" if zh else "Affiliation: %s") % inst)
    where = {}
    where["abstract"] = doc.para(
        "摘要：本研究共纳入%d名受试者，提出一种融合影像与文本的风险预测模型，在测试集上的准确率为%s%%。" %
        (participants, accuracy) if zh else
        "Abstract. We enrolled %d participants and propose a model that fuses imaging and text; "
        "it reaches %s%% accuracy on the held-out test set." % (participants, accuracy))
    sections = (["1 引言", "2 相关工作", "3 方法", "3.1 数据集", "3.2 训练设置", "4 实验结果", "5 讨论", "6 结论", "致谢"]
                if zh else ["1 Introduction", "2 Related work", "3 Method", "3.1 Dataset",
                            "3.2 Training", "4 Results", "5 Discussion", "6 Conclusion",
                            "Acknowledgements"])
    filler = (["临床风险预测是医疗人工智能的重要方向，现有方法多依赖单一模态的数据。",
               "多模态融合能够综合利用不同来源的信息，但也带来了数据对齐和缺失值处理等问题。",
               "我们在公开数据与合作医院的数据上验证了方法的有效性，并分析了模型的可解释性。",
               "本节介绍模型的整体结构，包括编码器、融合模块和预测头三个部分。"] if zh else
              ["Clinical risk prediction is a central task of medical machine learning, and most "
               "existing methods use a single modality.",
               "Multimodal fusion can combine evidence from several sources but raises problems "
               "of alignment and missing data.",
               "We validate the approach on public data and on data from partner hospitals and "
               "analyse the interpretability of the model.",
               "This section describes the architecture: encoders, a fusion module and a "
               "prediction head."])
    per_section = max(1, int(pages_target * doc.page_chars * 0.85 / len(sections) /
                             (sum(len(f) for f in filler) / len(filler))))
    for s in sections:
        doc.heading(s)
        if s.startswith("3.1"):
            where["dataset"] = doc.para(
                "数据集共包含%d名受试者的记录，按7:1:2划分为训练集、验证集和测试集。" %
                (participants2 if conflict else participants) if zh else
                "The dataset holds records of %d participants, split 7:1:2 into training, "
                "validation and test sets." % (participants2 if conflict else participants))
        if s.startswith("3.2"):
            where["training"] = doc.para(
                "模型使用AdamW优化器训练%d个轮次，学习率为%s。" % (epochs, lr) if zh else
                "The model is trained for %d epochs with AdamW at a learning rate of %s." %
                (epochs, lr))
        if s.startswith("4"):
            where["results"] = doc.table(["方法", "准确率（%）"] if zh else ["Method", "Accuracy (%)"],
                                         [["基线" if zh else "Baseline", "72.5"],
                                          ["本文方法" if zh else "Ours", accuracy]])
        if s.startswith("致谢") or s.startswith("Acknowledgements"):
            where["grant"] = doc.para("本研究受基金项目%s资助。" % grant if zh else
                                      "This work was funded by grant %s." % grant)
            continue
        for _ in range(per_section):
            doc.para(" ".join(rng.sample(filler, 2)) if not zh else "".join(rng.sample(filler, 2)))
    q = []

    def add(qtype, text, pages, expect):
        q.append({"id": "%s-q%02d" % (doc_id, len(q) + 1), "type": qtype, "question": text,
                  "pages": sorted(set(pages)), "expect": expect})
    if zh:
        add("lookup", "模型训练使用的学习率是多少？", [where["training"]], {"any": [[lr]]})
        add("lookup", "本文方法在测试集上的准确率是多少？", [where["results"], where["abstract"]],
            {"any": [[accuracy]]})
        add("lookup", "本研究由哪个基金项目资助？", [where["grant"]], {"any": [[grant]]})
        add("not_stated", "研究的伦理审批编号是什么？", [], {"not_stated": True})
        add("conflict", "摘要和数据集部分给出的受试者人数是否一致？", [where["abstract"], where["dataset"]],
            {"conflict": conflict,
             "values": [[str(participants)], [str(participants2)]] if conflict else []})
    else:
        add("lookup", "What learning rate was used for training?", [where["training"]],
            {"any": [[lr]]})
        add("lookup", "What accuracy does the proposed model reach on the test set?",
            [where["results"], where["abstract"]], {"any": [[accuracy]]})
        add("lookup", "Which grant funded this work?", [where["grant"]], {"any": [[grant]]})
        add("not_stated", "What was the ethics approval number of the study?", [],
            {"not_stated": True})
        add("conflict", "Do the abstract and the dataset section give the same number of "
            "participants?", [where["abstract"], where["dataset"]],
            {"conflict": conflict,
             "values": [[str(participants)], [str(participants2)]] if conflict else []})
    footer = ("第 %d 页" if zh else "Page %d")
    return {"id": doc_id, "split": split, "language": language, "kind": "paper", "title": title,
            "pages": doc.html_pages(footer), "questions": q,
            "planted_conflicts": ["count"] if conflict else []}


# The documents of each split: (language, kind index or "paper", conflict kinds, pages).
PLAN = [
    ("zh", 0, ["deadline"], 8), ("en", 0, ["deadline", "notice", "definition"], 6),
    ("zh", 1, [], 5), ("en", 1, ["amount"], 4),
    ("zh", 2, ["notice", "procedure", "definition"], 10), ("en", 3, [], 3),
    ("zh", "paper", None, 6), ("en", "paper", None, 5),
]
# Long documents (retrieval mode: they do not fit the 32K window whole); never tuned on.
PLAN_LONG = [("zh", 0, ["deadline"], 100), ("en", 1, ["amount", "notice"], 90)]
# Long documents for tuning retrieval (the cap's time budget): other seeds and contract kinds.
PLAN_LONGTUNE = [("en", 2, ["notice"], 90), ("zh", 3, ["amount"], 100)]
# Scanned documents (image-only pages: read by OCR); never tuned on.
PLAN_SCANNED = [("zh", 0, ["deadline"], 3), ("en", 3, [], 3)]
SEEDS = {"tune": 1000, "heldout": 9000, "long": 5000, "scanned": 7000, "longtune": 3000}


def build(split):
    docs = []
    plan = {"long": PLAN_LONG, "longtune": PLAN_LONGTUNE, "scanned": PLAN_SCANNED}.get(split, PLAN)
    for i, (language, kind, conflicts, pages) in enumerate(plan):
        rng = random.Random(SEEDS[split] + i)
        doc_id = "%s-%02d-%s" % (split, i + 1, language)
        if kind == "paper":
            docs.append(paper(rng, language, doc_id, split, pages))
        else:
            # The held-out split moves the conflicts to other documents.
            if split == "heldout":
                conflicts = PLAN[(i + 2) % 6][2]
            kname, title = CONTRACT_KINDS[language][kind]
            docs.append(contract(rng, language, kname, title, conflicts, pages, doc_id, split))
    for d in docs:
        d["scanned"] = split == "scanned"  # render.py makes image-only pages
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--split", default="all",
                    choices=["tune", "heldout", "long", "longtune", "scanned", "all"])
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    splits = ["tune", "heldout", "long", "longtune", "scanned"]
    for split in (splits if args.split == "all" else [args.split]):
        for d in build(split):
            with open(os.path.join(args.out, d["id"] + ".json"), "w", encoding="utf-8") as f:
                json.dump(d, f, ensure_ascii=False, indent=1)
            print("%s: %d pages, %d questions, conflicts %s" %
                  (d["id"], len(d["pages"]), len(d["questions"]), d["planted_conflicts"]))


if __name__ == "__main__":
    main()

"""The preset dictionaries that stored HTML and feed entries are compressed with.

An article of a few kB has little repetition within itself, so zlib alone shrinks it only about
2×: most of what it could match lies in *other* articles. A preset dictionary (``zdict``) is text
the compressor may refer to as if it had come just before the data: here the words and markup
that articles, their metadata and the entries' own field names share. It is written for the
project (common English and news vocabulary, the HTML the sanitiser lets through, the JSON
layout of a packed entry), not taken from any site's articles, so it helps every site alike.

A stored value names the dictionary it was compressed with: zlib streams carry its Adler-32 in
their header (``content_z``), packed entries a version byte. **Never change a dictionary
in place**: stored items would no longer decompress. Add a new version instead and keep every
old one readable (:data:`DICTIONARIES`).

zlib refers back at most 32 KiB, and nearer references cost fewer bits: what matters most comes
last.
"""

from __future__ import annotations

import zlib

_WORDS_RARE = """
according accused acquired acquisition activists added addition additional administration
advertising advocates affected afternoon agencies agency agreement aircraft allegations allowed
almost already although analysis analysts announced announcement annual anyone apparently appeal
application approach approval approved april architecture arrested article artificial assistant
associated association attack attempt attention attorney audience august authorities authority
available average award background ballot based basketball became become becomes beginning behind
believe believed benefits biggest billion budget building business campaign
candidate capacity capital career carried central century certain chairman challenge champion
chance change changed changes character charges chief children choice citizens civil claimed
claims climate close closed coach colleagues college commission committee common communities
community companies company competition complaint complete computer concerns conference
confirmed congress conservative consider considered construction consumer consumers contact
continue continued contract contracts control controversial corporate cost costs council
country countries county couple court courts create created crime criminal crisis critical
criticism critics culture current currently customer customers damage data deal
december decided decision defence defense degree democracy democratic department deputy despite
developed developer developers development digital director discussion disease
district division document documents domestic dozens during early economic economy editor
editorial education effect effort efforts election electric emergency employee employees
employer energy enforcement engineer engineers english enough entire environment environmental
especially estimated europe european evening event events evidence executive executives expected
experience experts explained facebook facilities facility families family february
federal festival figures final finance financial following football force forces foreign
former forward foundation founder france freedom friday friends funding future general
german germany global google government governor group groups growing growth health hearing
heavy himself history holiday hospital hours house housing however human hundreds immigration
important including income increase independent industry information infrastructure initial
instead institute intelligence interest internal international internet interview investigation
investment investors issue issues january journal journalist journalists judge july june
justice largest later latest launched leader leaders leadership learning legal legislation
letter levels likely limited local london looking machine major majority management manager
march market markets material matter mayor meaning measures media medical meeting member members
message microsoft military million millions minister ministry minutes mobile
monday months morning movement music national network newspaper north november number numbers
october offered office officer officers official officials online operations opinion
opposition order organisation organization original outside overall owner parents parliament
particular parties partner partners party passed patients payment people percent performance
period person personal phone physical platform players police policy political politics popular
population position possible potential power powerful practice president press pressure prices
prime private problem problems process product production products professor program programme
programs project projects protect protection protest protests provide provided public published
purpose question questions quickly rather reached recent recently record reform
region regional regulators related release released remain remains report reported reporter
reporters reporting reports republican request research researchers response
responsible result results return revenue review rights rules safety saturday school schools
science season second secretary section security senate senior september series served service
services several shares short signed significant similar single situation social society
software source sources south speaking special spokesman spokeswoman sports staff
statement states station stock stories story strategy street strong student students subscribe
success sunday support supporters supreme system systems technology television thousands
thursday together tuesday union united university update updated users video violence voters
washington website wednesday weekend weeks whether women workers working world writer written
yesterday
"""
"""Common words of news writing, alphabetical (a dictionary's farther half costs a bit more)."""

_WORDS_GENERAL = """
accept account address age agent american anyone apply argue arm art author avoid baby bank bar
base beat beautiful bed behavior benefit beyond bit blood blue board boy break brother camera car
card carry catch center chair charge check child choose church citizen class cold collection
commercial compare condition contain cover cup dark daughter dead death debate decade decide deep
describe design detail develop die difference difficult dinner direction discover discuss doctor
dog door draw dream drive drop drug east easy eat edge eight either else enjoy enter establish
everybody everyone everything exactly example expect eye factor fail fall fast father fear
feeling fight fill film finally fine finger finish fire firm fish floor fly focus follow food
foot forget form friend fund game garden gas generation girl glass goal green ground grow guess
gun guy hair hang happen happy hate heart heat herself hit hope hot hotel hour huge hundred
husband image imagine impact improve include indeed indicate individual inside institution
involve item itself join key kid kill kitchen knowledge lady language laugh lawyer lay learn leg
lie list listen lose loss love magazine main maintain manage marriage maybe measure meet memory
mention method middle minute miss mission model modern moment mother mouth movie myself nation
natural nature necessary nice none nor note notice occur offer oil operation opportunity option
organization page pain painting paper parent pass patient pattern peace per perform perhaps pick
picture piece player poor positive prepare present pretty prevent price probably produce
professional property prove pull quality quite race radio raise range ready realize really
receive recognize red reduce reflect relate relationship religious remember remove represent
require resource respond responsibility rest reveal rich rise risk road rock role rule safe save
scene scientist score sea seat seek seem send sense serious serve seven sex shake share shoot
shot shoulder sign simple simply sing sister sit site size skill skin smile soldier somebody
someone sometimes son song soon sort sound space speak specific speech spend sport spring stage
stand standard star start stay step store structure study stuff style subject successful
suddenly suffer suggest summer surface table tax teach teacher team ten tend test thank theory
third thought thousand threat throw thus tonight total tough trade traditional training travel
treat treatment tree trial trip trouble truth type unit usually value various victim visit voice
vote wait walk wall war watch weapon wear west whatever whom wide wife win wind window wish woman
wonder worker worry write wrong
"""
"""More common English words, alphabetical."""

_WORDS_COMMON = """
able about above across act actually after again against ago agree ahead air all allow along
also always among amount and another answer any anything appear are area areas around ask asked
asking away back bad because been before began being best better between big bill black body
book both bring brought build business but buy call called calls came can cannot care case cases
cause city clear come comes coming could course cut day days deal did different do does doing
done down each end ends even ever every face fact far feel few field find first five for four
free from full gave get gets give given gives goes going good got great group had half hand
happened hard has have having head hear help her here high him his hold home how idea if in into
is it its job just keep kind knew know known land large last later law lead least leave left less
let life light like line little live long look lost lot low made make makes making man many may
means men might mind money month more most move much must name near need needs never new next
night no not nothing now of off often old on once one only open or other others our out over own
paid part past pay place plan play point points power put rate read real reason right room run
said same saw say says see seen sell set she should show side since small so some something
still stop such sure take taken talk tell term than that the their them then there these they
thing things think this those though three through time times to today told too took top toward
town tried true try turn two under until up upon us use used very view want wanted was water way
ways we week well went were what when where which while white who whole why will with within
without word words work would year years yet you young your
"""
"""The commonest English words, alphabetical."""

_TEXT = (
    " the company’s the government’s it’s don’t didn’t isn’t “We we’re they’re "
    " — “ ” ‘ ’ … – and the of the in the to the on the for the at the with the from the by the"
    " that the is the was the said the, said. he said. she said. they said. in a statement."
    " Mr. Mrs. Ms. Dr. U.S. US UK EU UN CEO CFO AI"
    " January February March April May June July August September October November December"
    " Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
    " New York San Francisco Los Angeles Washington London Paris Berlin Tokyo"
)
"""Phrases, names and punctuation of English prose (curly quotes, dashes)."""

_HTML = (
    "<table><thead><tr><th></th></tr></thead><tbody><tr><td></td></tr></tbody></table>"
    "<pre><code></code></pre><sup></sup><sub></sub><code></code><hr><br>"
    '<iframe src="https://www.youtube.com/embed/'
    '<video controls src="https://"></video><audio controls src="https://"></audio>'
    "<ol><li></li></ol><h4></h4><cite></cite><abbr></abbr><mark></mark><del></del><ins></ins>"
    '<figure><img src="https://" alt="" width="" height="" loading="lazy">'
    "<figcaption></figcaption></figure><aside><h3></h3><small></small></aside>"
    '<h2></h2><h3></h3><ul><li></li><li><strong></strong></li></ul><img src="/" alt="'
    "<blockquote><p>“</p></blockquote><p><em></em></p><p><strong></strong> "
    '<a href="https://www.</a> <a href="/" rel="noopener noreferrer">'
    '</a>.</p><p><a href="https://" rel="noopener noreferrer">'
    "</a>, </a> </p><p>The </p><p>“</p><p>"
)
"""Markup as the sanitiser leaves it (``rel="noopener noreferrer"`` on every link)."""

_ENTRY = (
    '{"slug":"","title":"","url":"https://","created_at":"","updated_at":"","version":1,'
    '"status":"published","summary":"","authors":[{"name":"","email":"","url":"https://"}],'
    '"contributors":[{"name":"","role":""}],"tags":["","'
    '"image":{"url":"https://","caption":"","credit":"","alt":"","type":"image/jpeg",'
    '"length":},"language":"en","guid":"","attachments":[{"url":"https://",'
    '"type":"audio/mpeg","length":,"duration":,"title":""}],'
    '"podcast":{"episode":,"season":,"episode_type":"full","explicit":false,'
    '"image":"https://","transcripts":[{"url":"https://","type":"text/vtt","language":"en"}],'
    '"chapters_url":"https://"},"show":"","modified_at":"",'
    '"excerpt":"","image_url":"https://","html":,"feed":}'
    '","updated_at":"20","version":1,"status":"published","summary":"'
    ':00.000000Z","created_at":"20'
)
"""A packed entry's JSON, as :func:`contentfeed.dal.items.entry_item` writes it."""


def _words(text: str) -> str:
    return " " + " ".join(text.split()) + " "


DICTIONARY_1 = (
    _words(_WORDS_RARE) + _words(_WORDS_GENERAL) + _words(_WORDS_COMMON) + _TEXT + _HTML + _ENTRY
).encode("utf-8")
"""Version 1: the dictionary of every packed entry and ``content_z`` written since."""

DICTIONARIES: dict[int, bytes] = {1: DICTIONARY_1}
"""Every dictionary version ever written, by version. Entries name theirs by this number."""

CURRENT = 1
"""The version new items are written with."""

BY_ADLER: dict[int, bytes] = {zlib.adler32(value): value for value in DICTIONARIES.values()}
"""The dictionaries by the Adler-32 that a zlib stream's header names its dictionary by."""

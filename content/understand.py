"""Read a member's question: which roles, guests and timestamps it names, what it asks, which words are its topic.

The analysis is platform-neutral and costs a few dictionary lookups per word: names are matched as word spans
(longest first, exact, then by stem, then with typos), and every other word is sorted into topic terms the index
knows, filler that never counts, and foreign words that count against an answer ("salary", "laptop").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from content.lexicon import Lexicon
from content.meaning import english_words
from content.ranking import Searchable
from content.text import ROLE_FRAME_WORDS, STOPWORDS, expand_contractions, stem
from content.timecode import Timestamp

Intent = Literal["compare", "transition", "who_owns", "guest", "define", "episode", "topic"]

SHORT_NAME = 3  # names this short (mle, ds, de) only match exactly: one typo turns them into another word
NAME_SPAN_CUTOFF = 88  # a misspelt role name inside a question ("data enginer")
MIN_CORRECTED = 6  # topic words shorter than this are never corrected as typos
MAX_SPAN = 4  # the longest name, in words, looked for inside a question
GUEST_SPAN_MIN = 8  # characters of a span that may be a misspelt guest's full name
GUEST_WORD_MIN = 5  # characters of a word that may be a guest's misspelt first name or surname
GUEST_WORD_LONG = 8  # ...which may have two typos from this length on
MAX_WORDS = 40  # words of a question that are read: bounds the work for pasted walls of text
DECISION_WEIGHT = 2.0  # weight of "decides"/"final say" in a "who owns" question, against its other words
STORY_SHARE = 0.5  # weight of a "who owns" question's story words ("our DS keeps tuning, who ...") against its task

_TIMESTAMP = re.compile(r"^(?:\d{1,2}:)?\d{1,2}:\d{2}$")
_OWNER_WORDS = ("who", "whose", "which role", "what role", "which team", "what team", "which job")
_OWNER_PHRASES = ("responsible for", "in charge of", "whose job", "whose responsibility", "who owns", "who does")
# ...or asked after the member's story: "our DS wants another sprint, who actually decides whether it ships?"
_OWNER_ASKED = re.compile(
    r"\b(?:who(?: (?:actually|really|usually|normally|typically|ultimately|exactly))?"
    r" (?:decides|decide|gets to|get to|has the final|has the last|makes the call|signs off|approves|calls the shots"
    r"|is supposed to|is meant to|is expected to|has to|needs to"
    r"|(?:is|are) (?:actually|really|usually|normally) (?:supposed|meant|expected) to"
    # "... no roadmap. who should be deciding what gets built next?"
    r"|(?:should|would|will|must) (?:be )?(?:decide|deciding|own|owning|drive|driving|prioritize|prioritizing"
    r"|prioritise|prioritising|set|setting|make the call|making the call|take (?:it |this |that |them )?over))"
    r"|whose (?:call|decision|problem|fault)"
    # "the DS who trained it is asked to wrap it in an API and be on call for it. is that really their job?"
    r"|is (?:that|this|it) (?:really |actually |even )?(?:their|his|her|my|our|your) (?:job|responsibility))\b"
)
_SERVED_BEFORE = re.compile(
    r"\b(?:help|helps|helping|support|supports|supporting|serve|serves|serving|enable|enables|enabling|unblock"
    r"|unblocking|onboard|onboarding)(?: (?:the|our|other|all))?$"
)
_ANY_TASK = frozenset("fix fixing handle handling solve solving sort sorting deal dealing manage managing".split())
# Words that open a clause telling the circumstances of a "who owns" question rather than its task.
_CLAUSE_STARTS = frozenset({"when", "whenever", "once", "if", "because", "since", "while", "although", "though", "but"})
_SECOND_OWNER = re.compile(r"\b(?:and|or) (?:who|whose)\b")  # "who hires, and who designs the model?"
_OWNER_CUE = re.compile(
    r"\b(?:" + "|".join(re.escape(w) for w in (*_OWNER_WORDS, *_OWNER_PHRASES)) + r")\b|" + _OWNER_ASKED.pattern
)
_HOW = re.compile(
    r"\bhow (?:do|does|did|can|could|should|would|to|long|many|much|are|is)\b"
    r"|\b(?:any|best|good|right) ways? (?:to|of)\b|\bwhat (?:do|should|can) (?:teams|people|you|we|i) do\b"
    r"|\b(?:tips|advice) (?:for|on)\b"
)
_WORK_ASKED = re.compile(
    r"^(?:(?:hey|hi|ok|so|please|pls) )*(?:(?:can|could|would|will) (?:you|u)(?: please| pls)? )?"
    r"(?:write|generate|draft|code|debug|fix|compute|calculate|translate|rewrite|proofread)"
    r" (?:me|us|my|our|this|these)\b"
    # "how do you say 'data pipeline engineer' in German": a translation, asked another way
    r"|.*\b(?:how (?:do|would|should|can) (?:you|i|we) say|what is the word for) .+ in (?:german|french|spanish"
    r"|italian|dutch|polish|portuguese|russian|ukrainian|turkish|chinese|japanese|korean|hindi|arabic|english)\b"
)
# "how much does a CDO earn in the US", "mid level DE salary": pay, which the content never covers.
_PAY_ASKED = re.compile(
    r"\bhow much (?:do|does|did|would|will|can|could|should) .*\b(?:earn|earns|get paid|gets paid"
    # "how much does a DE make in Munich", not "how much SQL do I need to make the switch"
    r"|(?:make|makes)(?= (?:in|at|per|a year|an hour|these days|on average|annually|yearly|money)\b|$))\b"
    r"|\b(?:salary|salaries|wage|wages|compensation|paycheck)\b"
)
_EPISODE_WORDS = frozenset({"episode", "episodes", "podcast", "podcasts", "ep"})
# A question that asks what a role is, does or takes, judged by what stands before the role's name: "what does an
# X ...", "what is an X", "how do I become an X", "tell me about X". ("how can an X get better at Y" is not one.)
_ARTICLE = (
    r"(?: (?:an|a|the|one|my|our|your|their|his|her))?"
    r"(?: (?:good|great|typical|successful|new|junior|senior|aspiring|first|only|founding|sole|lead|staff"
    r"|principal|internal|central))?"
)
_DEFINE_BEFORE = re.compile(
    r"^(?:(?:hey|hi|so|ok|okay|please|pls) )*(?:"
    r"(?:what|wat|who)(?: exactly| actually| really)? (?:is|are|does|do|makes|should|must|would|can)"
    + _ARTICLE
    # "what does someone on an ML platform team do every day"
    + r"|(?:what|wat) (?:does|do|would|will) (?:someone|somebody|a person|people|one) (?:on|in)"
    + _ARTICLE
    # "genuinely curious what a CDO spends their week on": asked inside a sentence, with an article
    + r"|(?:.* )?(?:what|wat)(?: exactly| actually| really)?(?: (?:is|are|does|do))? (?:an|a|the)"
    + r"|(?:.* )?(?:become|becoming|be|being|get into|getting into|break into|start as|work as|working as|hired as"
    r"|a job as|a career as|hired (?:straight |directly )?into)"
    + _ARTICLE
    + r"|(?:tell (?:me|us) about|describe|explain|define|day in the life of|life of)"
    + _ARTICLE
    # "what's the day to day like for an ML platform engineer"
    + r"|(?:.* )?(?:day to day|daily work|(?:typical|normal|average|regular|usual) (?:day|week|workday))(?: like)?"
    r" (?:of|for|as)" + _ARTICLE + r")$"
)
# ...or by what follows it, when the question names the role first: "they posted a data translator job, what would
# that person do?", "analytics engineer: what do they actually do all day".
_HEDGE = r"(?: (?:actually|really|realistically|honestly|even|exactly|usually|typically))?"
_DEFINE_AFTER = re.compile(
    r"\b(?:what|wat) (?:would|does|do|will|should|is|are)(?: (?:that|this|it|such an?|the|they|he|she))?"
    r"(?: (?:person|role|job|position|people|hire))?" + _HEDGE + r"(?: supposed to)?"
    r" (?:do|be doing|doing|involve|involves|entail|entails|build|builds|work on|works on)\b"
    # "... is that an actual role??", "is dataops engineer even a real job", "is that somebody who builds models?"
    r"|\ban? (?:actual|real|legit|proper) (?:role|job|title|position)\b"
    r"|\bis (?:that|this) (?:somebody|someone|a person) who\b"
    # "just got the title 'data product owner', what am I supposed to own", "offered a DEM job, what is the work"
    # "what would I actually be doing every day in that job", "what will I realistically be doing"
    r"|\b(?:what|wat) (?:am|will|would|should) i" + _HEDGE + r"(?: (?:supposed|meant|expected) to)?(?: be)?"
    r" (?:own|owning|do|doing|working on)\b"
    r"|\bwhat is the (?:work|job|role|day to day|daily work)(?: (?:really|actually|like))?\b"
    # "what does that person actually spend the week doing"
    r"|\bspends?(?: (?:their|the|a|his|her|my|your))? (?:day|days|week|weeks|time|workday) (?:doing|on)\b"
    # "got an interview for a DataOps engineer opening, what would my days look like there"
    r"|\bwhat (?:would|will|do|does|did) (?:my|your|their|his|her|the|a)(?: typical| normal| average)?"
    r" (?:day to day|day|days|week|weeks|workday|workdays)" + _HEDGE + r" look like\b"
    # "MLE day to day??", "data architect typical day": the role's days asked with no verb at all
    r"|^(?:day to day|daily work|typical day|a typical day|day in the life|workday|typical week)\b"
)
# A career move between roles: "I'm a project manager, could I switch to data science", "from marketing to X".
_TRANSITION = re.compile(
    r"\b(?:(?:move|moving|switch|switching|transition|transitioning|pivot|pivoting|change|changing|go|going)"
    r" (?:in)?to(?! (?:production|live)\b)|coming from|background|next step|career change|i am an?"
    r"|i work (?:in|as))\b"
)  # "a notebook that can go to prod" is a release, not a move
_BECOME = re.compile(r"\b(?:become|becoming|get into|getting into|break into|switch to|move to)\b")
# The same verbs standing right before the role's name ("can I still break into AI engineering", "move into data
# science"): the move is said outright, whatever else the question tells about the member.
_BECOME_BEFORE = re.compile(
    r"\b(?:become|becoming|get into|getting into|break into|breaking into|turn into|turning into"
    r"|(?:go|going)(?: straight| directly| right)? into"
    r"|step up into|stepping up into|stepped up into"
    # "a startup offered me the 'first data scientist' spot", "what's the route into PM for ML platforms"
    r"|(?:offered|offering|offers) me(?: to be(?:come)?)?"
    # "how many years before you can call yourself a data architect"
    r"|call (?:myself|yourself|themselves|himself|herself)"
    # "join a 40-person startup as their only data scientist", "start out as a junior analyst"
    r"|(?:join|joining)(?: \S+){1,5} as|(?:start|starting|begin|beginning)(?: out)? as"
    r"|(?:route|path|road|way) (?:in)?to"
    r"|(?:move|moving|switch|switching|transition|transitioning|pivot|pivoting|drift|drifting)(?: over)?"
    r" (?:(?:in)?to|towards?)|get hired as"
    r"|jump into|jumping into|back in as|land|landing|end up as|ended up as|ending up as"
    # "being pushed into a team lead role", "retrain as a data scientist", "long-term goal is CDO"
    r"|pushed into|pushing me into|nudged into|retrain as|retraining as|reskill as|reskilling as"
    r"|promote me to|promoting me to|promoted me to|jump to"
    r"|(?:make|makes|made|making) the (?:jump|leap|switch|move)(?: over| across)? (?:in)?to"
    r"|(?:goal|dream|aim|plan) is(?: to be(?:come)?)?"
    # "can you go straight for a data architect job as a junior", "apply for an analytics engineer role"
    r"|go (?:straight )?for|going (?:straight )?for|apply (?:for|to)|applying (?:for|to)|grow into|growing into"
    r"|come back as|coming back as|get back into|getting back into|return as|returning as"
    r"|promoted to|promoted into|bumped up to|step up to|stepping up to|stepped up to"
    # "my manager wants me to step into a data architect role", "eyeing data architect roles next", "long term I'd
    # like to be a CDO", "got offered a data architect position": the role the member is heading for.
    r"|step into|stepping into|stepped into|move up to|moving up to|eyeing|eyeing up"
    r"|(?:like|love|want|wanted|hoping|hope|aiming|aim|aspire|aspiring|trying|plan|planning) to be|wanna be"
    r"|(?:got|been|was|were|be|being|get|getting) (?:offered|made)"
    r"|(?:asked|asks|asking|want|wants|wanted|told|pushing|pushed) me to(?: be| become)?"
    r"|(?<!was )(?<!were )(?<!been )(?<!got )hired (?:straight |directly )?(?:as|into))"  # "I was hired as a DS but
    # ..." is the job they have
    + _ARTICLE
    + "$"
)
# "thinking about going the data architect route": the role as the way the member is heading.
_ROUTE_AFTER = re.compile(r"^(?:route|path|track|ladder)\b")
# "how do I get a DE job with no degree", "finally got a data analyst role": a job of the role, got or sought.
_GET_BEFORE = re.compile(
    r"\b(?:get|gets|getting|got|find|finding|found|secure|securing|score|scoring"
    r"|want|wanting|need|looking for|aiming for|hunting for)" + _ARTICLE + "$"
)  # "if I want a data engineering job in a year"
# "what would I need to get onto an ML platform team", "they want me to join our data engineering team"
_JOIN_BEFORE = re.compile(
    r"\b(?:join|joining|get onto|getting onto|move onto|moving onto|get on|getting on)" + _ARTICLE + "$"
)
_TEAM_AFTER = re.compile(r"^teams?\b")
# "is ML platform engineering a natural next step (for me)": the role the member weighs as their next move.
_IS_BEFORE = re.compile(r"\b(?:is|be|would be)$")
_NEXT_AFTER = re.compile(
    r"^(?:(?:a|the|my|an) )?(?:(?:natural|good|logical|realistic|sensible|obvious|reasonable|normal|common) )?"
    r"(?:next )?(?:step|move|progression)\b"
    # "is ML product management even on the table for me", "is data engineering an option for someone like me"
    r"|^(?:(?:even|really|still|actually) )?(?:on the table|an option|a realistic option|within reach) for\b"
    # "is data analyst still a decent first job", "is analytics engineering a good career for me"
    r"|^(?:(?:still|really|actually) )?(?:a|an) (?:(?:decent|good|great|solid|sensible|realistic|smart) )?"
    r"(?:first )?(?:job|role|career|path|option)\b"
)
_JOB_AFTER = re.compile(r"^(?:job|jobs|role|roles|position|positions|offer|offers|gig|gigs|internship|internships)\b")
# "... what does an X ...": the role a question asks about, wherever it stands among the roles it names.
_ASKED_ABOUT = re.compile(r"\b(?:what|wat)(?: exactly| actually| really)? (?:does|do|is|are)" + _ARTICLE + "$")
# "a product owner of a coffee franchise", "a CDO in finance": another trade ("at a DTC brand" is an employer)
_QUALIFIER = re.compile(r"^(?:of|for|in) ")
# "is an AI engineer just someone calling the OpenAI API", "ai eng = glorified prompt monkey?": whether the role is
# no more than something, which its definition answers.
_JUST_BEFORE = re.compile(r"(?:^|\b(?:is|are|isnt|arent|is not|are not))" + _ARTICLE + "$")
_JUST_AFTER = re.compile(
    r"^(?:(?:really|actually|honestly|literally) )?"
    r"(?:just|only|basically|merely|simply|glorified|nothing more than|equals)\b"
)
# "what does a data architect actually do all day, is it just ...": asked outright, before the role and after it.
# "where does my job end and MLOps begin", "where does X stop and Y start": the line between two roles.
_WHERE_LINE = re.compile(r"\bwhere (?:does|do|is) .*\b(?:end|ends|stop|stops)\b.*\b(?:begin|begins|start|starts)\b")
# "what does an X do that a Y doesn't", "what does an X do differently from a Y": a comparison, not a definition.
_COMPARED_AFTER = re.compile(
    r"^(?:\w+ ){0,3}?(?:do|does)(?: \w+)?"
    r" (?:that|than|differently|unlike|vs|versus|on top of|beyond|besides|in addition to|compared to|more than)\b"
)
# "does a CDO even need to know SQL", "do data architects still code": what the role takes or does, asked yes or no.
_DO_BEFORE = re.compile(r"^(?:do|does)" + _ARTICLE + "$")
_NEEDS_AFTER = re.compile(
    r"^(?:(?:even|really|actually|still|usually) )?(?:get to |have time to )?"
    r"(?:need|needs|have to|has to|know|code|write|program)\b"
)
_DOES_AFTER = re.compile(r"^(?:(?:actually|really|even|exactly|usually|typically) )?(?:do|does)\b")
# "<role> [work] for|on|of|at [a|the|our] <qualifier>": a role named with its qualifier after it.
_ROLE_NOUNS = frozenset({"work", "role", "job", "position"})
_POSTPOSED = frozenset({"for", "on", "of", "at", "in"})
_QUALIFIED_HEADS = frozenset({"stuff", "things", "team", "teams", "side", "work", "projects", "products", "systems"})
# Verbs that make what follows a thing being built, and the last words of a name that make it a person.
_BUILT_BEFORE = re.compile(
    r"\b(?:build|builds|building|built|set up|setting up|roll out|rolling out|spin up|spinning up|create|creating)"
    r"(?: (?:an?|the|our|their|your|its|one|my))?(?: (?:internal|in house|shared|central|proper|dedicated|own))?$"
)
_AGENT_WORDS = frozenset(
    "engineer engineers eng manager managers pm pms lead leads analyst analysts scientist scientists architect "
    "architects owner owners officer officers translator translators".split()
)
_MANAGES = frozenset(
    "manage manages managed managing run runs running head heads heading lead leads leading".split()
    + "take takes taking took".split()
)
# Words that may stand between the verb and the team: "lead our 4 person data engineering team"
_TEAM_SIZE = frozenset("person people strong small tiny little new whole growing".split())
# Words that say whose or what kind a platform or team is, not what it is: "our internal ML platform".
_SETTING_ADJECTIVES = frozenset("internal shared central company new own main".split())
_DETERMINERS = frozenset({"a", "an", "the", "our", "my", "your", "their", "this", "that", "some"})
# "a 3k line notebook", "10x the traffic": a size is not what a question is about ("401k" is: three digits).
# "3k", "10x", "1.5 years", "down at 3am": amounts and times, never the topic
_AMOUNT = re.compile(r"\d{1,2}(?:k|x)|\d+\.\d+|\d{1,2}(?::\d\d)?(?:am|pm)")
# Things a field's name may describe ("an ML project", "a data science model"), which no move heads for.
_WORK_THINGS = frozenset("project model system product feature pipeline code app problem solution use".split())
_TO_BE = frozenset("be being become becoming actually really eventually finally".split())
_BEFORE_TEAM = _DETERMINERS | _TEAM_SIZE
# "the next step after senior data engineer", "from a junior analyst": the role the member comes from.
_SOURCE_BEFORE = re.compile(r"\b(?:from|coming from|after|i am|i work in|i work as)" + _ARTICLE + "$")

# Adjectives and adverbs ("realistic", "sensible", "seriously") seldom name what a question is about; an unknown one
# weighs less than an unknown noun ("salary", "laptop").
_MODIFIER_ENDINGS = ("ic", "ical", "ible", "able", "ous", "ive", "ful", "less", "ly", "ish", "est")
# Words that mark the frame of an ownership or comparison question rather than its topic.
_QUESTION_FRAME = frozenset(
    """
    owns own owned owner ownership responsible responsibility charge handles handle handled handling takes
    care job should shall end ends begin begins stop stops start starts line draw drawn
    """.split()
)
# Words that point at a guest rather than a topic ("what did the CMU researcher say about ...").
_GUEST_FRAME = frozenset(
    """
    say says said saying think thinks thought talk talks talked talking mention mentions mentioned argue argues
    argued guest guests guy guys gal speaker speakers researcher researchers person opinion view views take
    """.split()
)
# Frame words only beside a role: "the definition of an MLOps engineer" asks what the role is, "the one true
# definition of active users" asks about a metric's definition.
_FRAMES_OF_ROLES_ONLY = frozenset({"definition"})
_FRAMES = STOPWORDS | ROLE_FRAME_WORDS | _QUESTION_FRAME | _GUEST_FRAME | _EPISODE_WORDS
_FRAME_STEMS = frozenset(stem(w) for w in ROLE_FRAME_WORDS | _QUESTION_FRAME | _GUEST_FRAME)


@dataclass(frozen=True)
class Entity:
    """A name found in a question: what it refers to, how sure the match is, and where it stands."""

    kind: Literal["role", "guest"]
    ref: str  # a role id, or a guest's display name
    text: str  # the words of the question that named it
    start: int
    score: float
    episodes: tuple[str, ...] = ()  # for a guest: the episodes they are heard in


@dataclass(frozen=True)
class Term:
    """A topic word of the question as the index knows it; ``similarity`` < 1 when it was a typo."""

    word: str
    term: str
    similarity: float = 1.0
    at: int = -1  # the word's position in the question
    story: bool = False  # the story around a "who owns" question, not its task: weighs STORY_SHARE


@dataclass
class Analysis:
    """Everything the resolver needs to know about one question, and what ``--explain`` shows."""

    normalized: str
    words: list[str]
    intent: Intent = "topic"
    entities: list[Entity] = field(default_factory=list)
    timestamps: list[Timestamp] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    bigrams: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    filler: list[str] = field(default_factory=list)
    asks_both: bool = False  # "who owns X, and who owns Y": both sides of a line, not one owner

    @property
    def asks_for_episode(self) -> bool:
        """'the EasyJet lead data scientist episode': the member wants the episode itself, not one moment of it."""
        return bool(_EPISODE_WORDS.intersection(self.words))

    @property
    def asks_for_work(self) -> bool:
        """'can you write me a SQL query that ...', 'fix this stack trace for me': a task for the bot to do, which a
        bot that answers from the community's content does not take on, whatever words of ours the task uses."""
        return bool(_WORK_ASKED.match(" ".join(self.words)))

    @property
    def asks_pay(self) -> bool:
        """'how much does a CDO earn in the US': what a job pays, which no page, boundary or episode covers. Not pay
        named beside a comparison ("data architect vs data engineer, besides the salary and the title")."""
        return len(self.roles) < 2 and bool(_PAY_ASKED.search(" ".join(self.words)))

    @property
    def asks_how(self) -> bool:
        """'how do we catch bad data', 'how long should a test run': the question asks for a practice."""
        return bool(_HOW.search(self.normalized))

    @property
    def names_a_speaker(self) -> bool:
        """'what did the Databricks guy say', 'the Glovo episode': the question asks about someone who spoke."""
        return bool(_GUEST_FRAME.intersection(self.words) or _EPISODE_WORDS.intersection(self.words))

    @property
    def foreign_weight(self) -> float:
        """How many 'unknown nouns' the foreign words are worth (modifiers count a third)."""
        return sum(1 / 3 if w.endswith(_MODIFIER_ENDINGS) and len(w) > 5 else 1.0 for w in self.foreign)

    @property
    def roles(self) -> list[Entity]:
        """Role entities, first mention first, each role once."""
        seen: dict[str, Entity] = {}
        for entity in self.entities:
            if entity.kind == "role" and entity.ref not in seen:
                seen[entity.ref] = entity
        return list(seen.values())

    @property
    def compares_outright(self) -> bool:
        """'X vs Y', 'the difference between X and Y': the member asks for the line between the roles itself."""
        return bool(_DIFFERENCE.intersection(self.words)) or bool(_DIFFERENCE_ASKED.search(" ".join(self.words)))

    @property
    def moved_to(self) -> Entity | None:
        """The role named right after a move verb ("how do people end up as data architects"), unless it is one
        side of a choice ("become a data engineer or a data scientist")."""
        if self.compares_outright:
            return None
        for entity in self.roles:
            named_end = end = entity.start + len(entity.text.split())
            if self.words[end : end + 1] and self.words[end].rstrip("s") in _ROLE_NOUNS:
                end += 1  # "apply for product analyst jobs or data analyst jobs"
            if self.words[end : end + 1] == ["or"] or self.words[max(0, entity.start - 2) : entity.start].count("or"):
                continue
            # what follows the name itself, job noun included: "if I ever want a CDO job"
            if _heads_for(" ".join(self.words[: entity.start]), " ".join(self.words[named_end:])):
                return entity
        # "UX designer here, curious about data product management. can someone like me make that switch?": the move
        # told after the role, with no other role between them; not the member's own ("data scientist here").
        text = " ".join(self.words)
        told = _SWITCH_AFTER.search(text)
        if told is not None:
            before = [e for e in self.roles if e.start < len(text[: told.start()].split())]
            if before and _switch_after(self.words, before[-1]):
                return before[-1]
        return None

    @property
    def choice(self) -> tuple[Entity, Entity] | None:
        """The two roles offered as a choice ("should the PM be called an ML PM or a data PM", "torn between the data
        architect track and becoming a data engineering manager"), among others."""
        joined = _joined(self.words, self.mentions, _CHOICE)
        if joined is not None:
            return joined
        for first, second in pairwise(self.mentions):
            between = self.words[first.start + len(first.text.split()) : second.start]
            after_between = "between" in self.words[max(0, first.start - 3) : first.start]
            if first.ref != second.ref and after_between and "and" in between and len(between) <= 4:
                return first, second
        return None

    @property
    def offered_role(self) -> Entity | None:
        """'who owns the roadmap, the PM or the engineers?': a role the member offers as one of the answers."""
        for entity in self.roles:
            end = entity.start + len(entity.text.split())
            before = self.words[max(0, entity.start - 2) : entity.start]
            after = self.words[end : end + 1]
            if after == ["or"] or "or" in before:
                return entity
        return None

    @property
    def target_role(self) -> Entity | None:
        """In a career move, the role the member wants: the one right after a move verb ("made the jump into data
        engineering"), else the last one not introduced by 'from', 'I am a'..."""
        moved = self.moved_to
        if moved is not None:
            return moved
        roles = self.roles
        for entity in reversed(roles):
            if not _SOURCE_BEFORE.search(" ".join(self.words[: entity.start])):
                return entity
        return roles[-1] if roles else None

    @property
    def line_asked(self) -> tuple[Entity, Entity] | None:
        """'our PM keeps choosing the serving stack. where does the ML PM's job end and the ML engineer's begin?': the
        two roles named inside the 'where does X end and Y begin', whatever roles the story names before it."""
        found = _WHERE_LINE.search(" ".join(self.words))
        if found is None:
            return None
        start = len(" ".join(self.words)[: found.start()].split())
        inside = [e for e in self.mentions if e.start >= start]
        pair = [e for i, e in enumerate(inside) if e.ref not in {f.ref for f in inside[:i]}]
        return (pair[0], pair[1]) if len(pair) >= 2 else None

    def asks_what_it_does(self, entity: Entity) -> bool:
        """Whether the words after a role's name ask what that job is ("... become the product owner for our
        recommender. What does that job really involve?")."""
        return bool(_DEFINE_AFTER.search(" ".join(self.words[entity.start + len(entity.text.split()) :])))

    @property
    def asked_role(self) -> Entity | None:
        """The role a 'what does a(n) X do' or an 'is an X just a Y' names, wherever it stands in the question."""
        # every mention: "X vs Y, isn't the X just a Y" asks at a later one
        return next((e for e in self.mentions if _ASKED_ABOUT.search(self._before(e)) or self._just(e)), None)

    def _before(self, entity: Entity) -> str:
        return " ".join(self.words[: entity.start])

    def _just(self, entity: Entity) -> bool:
        """'is an AI engineer just a backend dev who calls an API': whether the role is no more than another."""
        after = " ".join(self.words[entity.start + len(entity.text.split()) :])
        # "ppl keep saying dataops = devops for data": the "=" says it, whatever stands before
        said = _JUST_BEFORE.search(self._before(entity)) or after.startswith("equals ")
        return bool(said and _JUST_AFTER.match(after))

    @property
    def mentions(self) -> list[Entity]:
        """Every role mention, in the order named, the same role as often as it is named."""
        return [e for e in self.entities if e.kind == "role"]

    @property
    def guests(self) -> list[Entity]:
        """Guest entities, first mention first."""
        return [e for e in self.entities if e.kind == "guest"]


class Reader:
    """Reads questions against one content snapshot's names, lexicon and index."""

    def __init__(
        self,
        lexicon: Lexicon,
        index: Searchable,
        role_names: Iterable[tuple[str, str]],
        guest_names: Iterable[tuple[str, str, tuple[str, ...]]],
        disciplines: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.lexicon = lexicon
        self._english = english_words()  # read once here, not on the first typo a member makes
        # "move into machine learning": the field, read as the role only right after a move verb.
        self._disciplines = {" ".join(lexicon.rewrite(name.split())): role_id for name, role_id in disciplines}
        self.index = index
        # The index's words by first letter and length: a typo keeps the first letter and changes the length by at
        # most its edits, so each unknown word is compared with a few hundred words, not all of them.
        self._surface_near: dict[tuple[str, int], list[str]] = {}
        for word in index.surface:
            self._surface_near.setdefault((word[0], len(word)), []).append(word)
        self._surface_order = {word: i for i, word in enumerate(index.surface)}
        self._roles_exact: dict[str, str] = {}
        self._roles_stem: dict[str, tuple[str, str]] = {}
        self._names_of: dict[str, list[str]] = {}  # a role's names, for its qualified forms ("ML platform" + "PM")
        fuzzy: dict[str, str] = {}
        for name, role_id in role_names:
            self._names_of.setdefault(role_id, []).append(name)
            self._roles_exact.setdefault(name, role_id)
            # Questions are matched after the lexicon rewrites them ("dev" -> "development"): know each name in its
            # rewritten form too, so "mlops engineer vs dev ops" still finds the "dev ops" alias.
            self._roles_exact.setdefault(" ".join(lexicon.rewrite(name.split())), role_id)
            if len(name) > SHORT_NAME:
                self._roles_stem.setdefault(_stems(name), (name, role_id))
                fuzzy.setdefault(name, role_id)
        # One misspelt word may only be a one-word name: "engineering" must not become "ai engineering".
        self._fuzzy_roles = {n: [name for name in fuzzy if (" " in name) == (n > 1)] for n in (1, 2)}
        self._fuzzy_role_ids = {n: [fuzzy[name] for name in names] for n, names in self._fuzzy_roles.items()}
        self._role_words = {w for name in fuzzy for w in name.split()}
        self._near_words: dict[str, bool] = {}
        # The stems a role's name can start with and how many words it has: most spans of a question start with
        # neither, and are passed over before their words are stemmed and joined.
        self._stem_heads = {key.split()[0] for key in self._roles_stem}
        self._stem_sizes = {len(key.split()) for key in self._roles_stem}
        self._guests: dict[str, tuple[str, tuple[str, ...]]] = {}
        for key, guest, episodes in guest_names:
            known = self._guests.get(key)
            if known is None:
                self._guests[key] = (guest, episodes)
            else:  # two guests share a first name or a surname: the question names both of them
                self._guests[key] = (f"{known[0]} / {guest}", tuple(dict.fromkeys(known[1] + episodes)))
        self._name_starts = {name.split()[0] for name in [*self._roles_exact, *self._guests] if name}
        self._corrections: dict[str, tuple[str, float] | None] = {}
        # Guests' names of two or more words (full names, "carnegie mellon"), for misspelt names inside a question,
        # by first letter: a misspelt name keeps it, and each span is then compared with a few names, not all.
        self._fuzzy_guests: dict[str, list[str]] = {}
        for key in self._guests:
            if " " in key and len(key) >= GUEST_SPAN_MIN:
                self._fuzzy_guests.setdefault(key[0], []).append(key)
        # ...and one-word names (a first name or surname alone: "nadya" for Nadia, "zamak" for Zhamak).
        self._fuzzy_guest_words: dict[str, list[str]] = {}
        for key in self._guests:
            if " " not in key and len(key) >= GUEST_WORD_MIN:
                self._fuzzy_guest_words.setdefault(key[0], []).append(key)

    # -- the steps -----------------------------------------------------------------------------------------

    def read(self, normalized: str) -> Analysis:
        """Analyse one normalised question."""
        # "@RoleCall what does ..." and Slack's "<@U123>": a mention of someone is never part of the question.
        words = self.lexicon.rewrite(expand_contractions(normalized.split()))
        words = [w for w in words if not w.startswith("@")][:MAX_WORDS]
        analysis = Analysis(normalized, words)
        taken = self._entities(words, analysis)
        if analysis.guests and analysis.roles:
            # "what does the Zalando guest say about ML platform work": with a guest named, a role name is the topic,
            # unless it describes the guest ("the ML PM from Glovo", "Glovo's ML PM"): then it is neither.
            for entity in analysis.roles:
                if not _describes_guest(words, entity, analysis.guests):
                    taken.difference_update(range(entity.start, entity.start + len(entity.text.split())))
            analysis.entities = [e for e in analysis.entities if e.kind == "guest"]
        return self._understand(words, taken, analysis)

    def reread(self, first: Analysis) -> Analysis:
        """A question another reader has read, read again with this reader's words: the names (most of the work)
        are taken as found; the topic, the intent and the story are read anew."""
        analysis = Analysis(first.normalized, first.words, entities=list(first.entities))
        analysis.timestamps = list(first.timestamps)
        taken = {i for e in first.entities for i in range(e.start, e.start + len(e.text.split()))}
        taken.update(i for i, w in enumerate(first.words) if _TIMESTAMP.match(w) and i not in taken)
        return self._understand(first.words, taken, analysis)

    def _understand(self, words: list[str], taken: set[int], analysis: Analysis) -> Analysis:
        """Topic words, intent and, for "who owns", which words tell the task and which the story."""
        self._topic(words, taken, analysis)
        analysis.intent = self._intent(words, analysis)
        if analysis.intent == "who_owns":
            # The task is what follows the question word; what the member told before it, or in a clause after it
            # ("... good enough to ship, when the DS wants two more weeks to tune it"), is the story around it,
            # unless the task has no words of its own ("the feature table never landed, who's on the hook for that?").
            text = " ".join(words)
            asked = _OWNER_CUE.search(text)
            analysis.asks_both = bool(_SECOND_OWNER.search(text))
            start = len(text[: asked.start()].split()) if asked else 0
            end = next((i for i in range(start + 1, len(words)) if words[i] in _CLAUSE_STARTS), len(words))
            # A task of only an everyday verb ("whose job is it to fix that?") has no words of its own either.
            if not any(start <= t.at < end and t.word not in _ANY_TASK for t in analysis.terms):
                start, end = 0, len(words)
            analysis.terms = [
                t if start <= t.at < end else replace(t, similarity=t.similarity * STORY_SHARE, story=True)
                for t in analysis.terms
            ]
            # "whose call is it to ship": the task is the decision itself, so whoever owns such decisions counts most.
            decision = self.lexicon.term(stem("decision"))
            analysis.terms = [
                replace(t, similarity=t.similarity * DECISION_WEIGHT) if t.term == decision else t
                for t in analysis.terms
            ]
        return analysis

    def _entities(self, words: list[str], analysis: Analysis) -> set[int]:
        taken: set[int] = set()
        postings = self.index.postings
        known = [stem(word) in postings for word in words]  # words the content uses: no misspelt name among them
        i = 0
        while i < len(words):
            found = (
                self._name_at(words, i, known) or self._discipline_at(words, i, analysis) or self._team_led_at(words, i)
            )
            if found is None:
                if _TIMESTAMP.match(words[i]):
                    try:
                        analysis.timestamps.append(Timestamp.parse(words[i]))
                        taken.add(i)
                    except ValueError:
                        pass
                i += 1
                continue
            entity, size = found
            if entity.kind == "role" and _built(words, entity):
                i += size  # "build an internal ML platform": the thing, not its engineer; its words stay the topic
                continue
            if entity.kind == "role":
                entity, size = self._qualified(words, entity, size)
                entity, size = self._managing(words, entity, size)
            analysis.entities.append(entity)
            taken.update(range(entity.start, entity.start + size))  # a managed team's name starts at its verb
            i = entity.start + size
        self._settings(words, analysis)
        roles = [e for e in analysis.entities if e.kind == "role"]
        if len({e.ref for e in roles}) >= 2:
            # "the product owner for our data science team": a role's name before "team" names a team, and the
            # question is about the other role. Its words stay out of the topic.
            teams = [
                e
                for e in roles
                if words[e.start + len(e.text.split()) : e.start + len(e.text.split()) + 1] in (["team"], ["teams"])
                and not _POSTPOSED & set(e.text.split())  # "a PM role on an ML platform team" is the PM
                # "MLE here, thinking about moving onto our ML platform team": the team is where they head
                and not _JOIN_BEFORE.search(" ".join(words[: e.start]))
            ]
            if teams and len(teams) < len(roles):
                analysis.entities = [e for e in analysis.entities if e not in teams]
        roles = analysis.mentions
        # "I'm an analytics engineer but half my week is dashboards for the PMs": an abbreviation in the plural beside
        # a role named in the singular is the people around the member, not a role the question is about; unless it
        # is one side of a choice ("cdos vs data team lead") or a plural the content names itself ("cdos").
        offered = _joined(words, roles, _CHOICE) or ()
        plural = [
            e
            for e in roles
            if e not in offered
            and (
                (len(e.text) <= SHORT_NAME + 1 and e.text not in self._roles_exact and e.text[:-1] in self._roles_exact)
                # "the data scientists who use the platform": people described, whatever their name; not one side
                # of a choice ("the data engineers who wrote them or a dataops person?")
                or (e.text.endswith("s") and _described(words[e.start + len(e.text.split()) :]))
                # "is it mostly infra or mostly helping data scientists?": the people the work serves
                or (e.text.endswith("s") and _SERVED_BEFORE.search(" ".join(words[: e.start])) is not None)
            )
        ]
        if plural and any(e not in plural for e in roles):
            analysis.entities = [e for e in analysis.entities if e not in plural]
        return taken

    def _settings(self, words: list[str], analysis: Analysis) -> None:
        """A role named first as the setting qualifies a role named after it: "on our internal ML platform team,
        who owns the roadmap, the PM or the engineers?" asks about the ML platform PM. The setting is then neither a
        second role nor part of the topic; only a qualified form that names another role counts."""
        roles = [e for e in analysis.entities if e.kind == "role"]
        for setting, later in pairwise(roles):
            i = setting.start
            if i and words[i - 1] not in _POSTPOSED and words[i - 1] not in _DETERMINERS:
                i -= 1  # one adjective: "our internal ML platform"
            if i and words[i - 1] in _DETERMINERS:
                i -= 1
            if not i or words[i - 1] not in _POSTPOSED:
                continue
            role = self._roles_exact.get(f"{setting.text} {later.text}")
            if role is None or role == later.ref:
                continue
            qualified = Entity("role", role, later.text, later.start, later.score)
            analysis.entities = [qualified if e is later else e for e in analysis.entities if e is not setting]
            return

    def _name_at(self, words: list[str], i: int, known: list[bool]) -> tuple[Entity, int] | None:
        """The longest name starting at word ``i``: exact, then by stem, then (for longer spans) with typos."""
        if words[i] in STOPWORDS and words[i] not in self._name_starts:
            return None  # no name starts with "the", "how", "of" (unless the content gives one that does)
        for size in range(min(MAX_SPAN, len(words) - i), 0, -1):
            part = words[i : i + size]
            span = " ".join(part)
            guest = self._guests.get(span)
            if guest is not None:
                return Entity("guest", guest[0], span, i, 100.0, guest[1]), size
            role = self._roles_exact.get(span)
            if role is None and size == 1 and len(span) <= SHORT_NAME + 1 and span.endswith("s"):
                role = self._roles_exact.get(span[:-1])  # an abbreviation's plural: "mles", "dss", "pms"
            if role is None and len(span) > SHORT_NAME:
                role = self._by_stem(part)
            if role is not None:
                return Entity("role", role, span, i, 100.0), size
            if size >= 2:
                guest_entity = None if all(known[i : i + size]) else self._misspelt_guest(part, span, i)
            else:
                guest_entity = None if known[i] else self._misspelt_guest_word(span, i)
            if guest_entity is not None:
                return guest_entity, size
            if len(span) < 6 or part[0] in STOPWORDS or part[-1] in STOPWORDS or not self._near_role_words(part):
                continue
            group = min(size, 2)
            names = self._fuzzy_roles[group]
            found = process.extractOne(span, names, scorer=fuzz.ratio, score_cutoff=NAME_SPAN_CUTOFF)
            if found is not None:
                return Entity("role", self._fuzzy_role_ids[group][found[2]], span, i, float(found[1])), size
        return None

    def _discipline_at(self, words: list[str], i: int, analysis: Analysis) -> tuple[Entity, int] | None:
        """A field named right after a move verb ("how do I move into machine learning"), or after a role and "to"
        ("swe -> ml"), stands for its role."""
        for size in (2, 1):
            span = " ".join(words[i : i + size])
            role = self._disciplines.get(span) if i + size <= len(words) else None
            if role is None:
                continue
            if words[i + size : i + size + 1] and words[i + size].rstrip("s") in _WORK_THINGS:
                continue  # "turning a business problem into an ML project": the field describes a thing
            after_role = (
                i >= 2
                and words[i - 1] in ("to", "into")
                and any(e.kind == "role" and e.start + len(e.text.split()) == i - 1 for e in analysis.entities)
            )
            if after_role or _BECOME_BEFORE.search(" ".join(words[:i])):
                return Entity("role", role, span, i, 100.0), size
        return None

    def _qualified(self, words: list[str], entity: Entity, size: int) -> tuple[Entity, int]:
        """A role whose qualifier follows it: "a product manager for ML stuff" is an ML product manager, "the PM on
        an ML platform team" an ML platform PM. Only a qualified form that names another role counts."""
        i = entity.start + size
        if i < len(words) and words[i] in _ROLE_NOUNS:  # "PM work for an ML platform"
            i += 1
        if i >= len(words) or words[i] not in _POSTPOSED:
            return entity, size
        i += 1
        if i < len(words) and words[i] in _DETERMINERS:
            i += 1
        if i < len(words) and words[i] in _SETTING_ADJECTIVES:
            i += 1  # "technical PM on our internal ML platform"
        for width in (2, 1):
            qualifier = words[i : i + width]
            after = words[i + width] if i + width < len(words) else None
            if (
                len(qualifier) < width
                or set(qualifier) & STOPWORDS
                or not (
                    after is None or after in STOPWORDS or after in _QUALIFIED_HEADS or after in self.lexicon.filler
                )
                or (width == 1 and after in ("team", "teams"))
            ):  # "a PM on a data science team" is not a data PM: the qualifier must end where it stops; nor is a
                # PM on "a data team" (a team of data people), while one on "an ML platform team" builds the platform
                continue
            name = " ".join(qualifier + entity.text.split())
            role = self._roles_exact.get(name) or self._by_stem(name.split())  # "PM for ML platforms"
            # ...or the qualifier before another name of the same role: "product management for an ML platform"
            # is an "ML platform product manager"
            names = self._names_of.get(entity.ref, ())
            role = role or next((r for n in names if (r := self._roles_exact.get(f"{' '.join(qualifier)} {n}"))), None)
            if role is not None and role != entity.ref:
                end = i + width
                text = " ".join(words[entity.start : end])
                return Entity("role", role, text, entity.start, entity.score), end - entity.start
        return entity, size

    def _managing(self, words: list[str], entity: Entity, size: int) -> tuple[Entity, int]:
        """'promoted to manage our data engineering team': the role that manages a team of the role named, where the
        content has one (the data engineering manager)."""
        end = entity.start + size
        before = entity.start - 1
        while before >= 0 and entity.start - before <= 3 and (words[before] in _TEAM_SIZE or words[before].isdigit()):
            before -= 1
        if before >= 0 and words[before] in _DETERMINERS:
            before -= 1
        if before >= 1 and words[before] == "over" and words[before - 1] in ("take", "takes", "taking", "took"):
            before -= 1  # "they asked if I want to take over the data engineering team"
        if end >= len(words) or words[end] not in ("team", "teams") or before < 0 or words[before] not in _MANAGES:
            return entity, size
        for name in self._names_of.get(entity.ref, ()):
            role = self._roles_exact.get(f"{name} manager")
            if role is not None and role != entity.ref:
                # The name spans the verb too, so that what stands before it reads as before any role's name:
                # "promoted to" + "manage our data engineering team" is a move.
                return Entity("role", role, " ".join(words[before : end + 1]), before, entity.score), end + 1 - before
        return entity, size

    def _team_led_at(self, words: list[str], i: int) -> tuple[Entity, int] | None:
        """'promoted to leading our data team': the role that leads a team named by a word that is no role itself,
        where the content has one ("data team lead"). The name spans the verb, as in ``_managing``."""
        if words[i] not in _MANAGES:
            return None
        j = i + 1
        while j < len(words) and j - i <= 3 and (words[j] in _BEFORE_TEAM or words[j].isdigit()):
            j += 1  # "run our 4 person data team"
        for width in (1, 2):
            if words[j + width : j + width + 1] not in (["team"], ["teams"]):
                continue
            team = " ".join(words[j : j + width])
            role = self._roles_exact.get(f"{team} team lead") or self._roles_exact.get(f"{team} team manager")
            if role is not None:
                return Entity("role", role, " ".join(words[i : j + width + 1]), i, 100.0), j + width + 1 - i
        return None

    def _misspelt_guest(self, part: list[str], span: str, start: int) -> Entity | None:
        """A guest's full name with a typo or two ("simon stiebelhner"), same first letter. Only spans with a word
        the content does not know are tried (``_name_at`` sees to it): a name spelt wrong is such a word, and most
        spans have none."""
        if len(span) < GUEST_SPAN_MIN or part[0] in STOPWORDS or part[-1] in STOPWORDS:
            return None
        names = self._fuzzy_guests.get(span[0])
        if not names:
            return None
        found = process.extractOne(span, names, scorer=fuzz.ratio, score_cutoff=NAME_SPAN_CUTOFF)
        if found is None:
            return None
        guest, episodes = self._guests[found[0]]
        return Entity("guest", guest, span, start, float(found[1]), episodes)

    def _misspelt_guest_word(self, word: str, start: int) -> Entity | None:
        """A guest's first name or surname alone, misspelt ("nadya", "zamak"): a word the content does not know (only
        such words are tried), with the same first letter and one typo (two in a name of GUEST_WORD_LONG letters or
        more)."""
        if len(word) < GUEST_WORD_MIN or word in STOPWORDS:
            return None
        for name in self._fuzzy_guest_words.get(word[0], ()):
            allowed = 2 if min(len(name), len(word)) >= GUEST_WORD_LONG else 1
            if Levenshtein.distance(word, name, score_cutoff=allowed) <= allowed:
                guest, episodes = self._guests[name]
                return Entity("guest", guest, word, start, round(fuzz.ratio(word, name), 1), episodes)
        return None

    def _by_stem(self, part: list[str]) -> str | None:
        """A role named in another inflection ("data engineers", "analyst's"); not a related word ("translate")."""
        if len(part) not in self._stem_sizes or stem(part[0]) not in self._stem_heads:
            return None
        found = self._roles_stem.get(_stems(" ".join(part)))
        if found is None:
            return None
        name, role_id = found
        same = all(a.startswith(b) or b.startswith(a) for a, b in zip(part, name.split(), strict=False))
        return role_id if same else None

    def _near_role_words(self, part: list[str]) -> bool:
        """Cheap gate before fuzzy matching: every word is, or nearly is, a word of some role name."""
        return all(self._near_role_word(w) for w in part)

    def _near_role_word(self, word: str) -> bool:
        """Whether a word is, or nearly is, a word of some role name; remembered, as each word is asked of every span
        around it."""
        near = self._near_words.get(word)
        if near is None:
            near = word in self._role_words or (
                len(word) > 3
                and process.extractOne(word, self._role_words, scorer=fuzz.ratio, score_cutoff=75) is not None
            )
            if len(self._near_words) < 50_000:  # the words members use, and a bounded number of odd ones
                self._near_words[word] = near
        return near

    def _topic(self, words: list[str], taken: set[int], analysis: Analysis) -> None:
        previous: str | None = None
        guest_names = [part for guest in analysis.guests for part in guest.ref.casefold().split()]
        for i, word in enumerate(words):
            if i in taken:
                previous = None
                continue
            if word in _FRAMES and not (word in _FRAMES_OF_ROLES_ONLY and not analysis.roles):
                continue
            if (
                word in self.lexicon.filler
                or word.isdigit()
                or _AMOUNT.fullmatch(word)
                or len(word) == 1
                or _names_guest(word, guest_names)
            ):
                analysis.filler.append(word)
                continue
            term = self.lexicon.term(stem(word))
            if term in self.index.postings:
                analysis.terms.append(Term(word, term, at=i))
            else:
                corrected = self._correct(word)
                if corrected is None:
                    analysis.foreign.append(word)
                    previous = None
                    continue
                if corrected[0] in _FRAME_STEMS:  # "skilz" is "skills": a frame word, not a topic
                    continue
                analysis.terms.append(Term(word, corrected[0], corrected[1], at=i))
                term = corrected[0]
            if previous is not None:
                analysis.bigrams.append(previous + "_" + term)
            previous = term

    def _correct(self, word: str) -> tuple[str, float] | None:
        """A typo'd topic word to the term it most likely means, or None; remembered per word.

        Short words are never corrected (one letter turns "court" into "count"); longer ones allow one edit, and
        words of eight letters or more two. A typo rarely changes the first letter, so that must match too."""
        if word in self._corrections:
            return self._corrections[word]
        result = None
        edits = 0 if len(word) < MIN_CORRECTED else 1 if len(word) < 8 else 2
        if edits and word.isalpha():
            lengths = range(len(word) - edits, len(word) + edits + 1)
            candidates = [w for n in lengths for w in self._surface_near.get((word[0], n), ())]
            candidates.sort(key=self._surface_order.__getitem__)  # of equally near words, the index's first
            found = process.extractOne(word, candidates, scorer=Levenshtein.distance, score_cutoff=edits)
            # An English word is no typo ("compete" is not "compute"), unless it is another form of the content's
            # word ("uncertain" meets "uncertainty").
            real = found is not None and word in self._english and not _same_word(word, found[0])
            if found is not None and not real:
                result = (self.index.surface[found[0]], 1 - found[1] / len(word))
        if len(self._corrections) < 10_000:  # members' typos are a small set; never let it grow without bound
            self._corrections[word] = result
        return result

    def _intent(self, words: list[str], analysis: Analysis) -> Intent:
        text = " ".join(words)
        if analysis.guests:
            return "guest"
        if len(analysis.roles) == 1:
            role = analysis.roles[0]
            before = " ".join(words[: role.start])
            after = " ".join(words[role.start + len(role.text.split()) :])
            # "what is a CDO responsible for" asks about the role; "someone from marketing ... become" is a move.
            # Words the content never uses may be the real subject before the name ("my data scientist friend"),
            # but not when what follows asks outright what the role does.
            define_before = _DEFINE_BEFORE.match(before)
            # A role of another trade: "a product owner of a coffee franchise", "a CDO in finance".
            qualified = bool(_QUALIFIER.match(after) and set(after.split()[1:5]) & set(analysis.foreign))
            # An unknown word right after the name makes the role a modifier ("what does a data scientist
            # girlfriend want"); unknown words further on are asides ("... spend their week on? meetings?").
            modifier = qualified or (bool(after) and after.split()[0] in analysis.foreign)
            asks_what_it_is = (
                define_before and (analysis.foreign_weight < 1 or _DOES_AFTER.match(after) or not modifier)
            ) or _DEFINE_AFTER.search(after)
            # A move, told with words of the member's own life ("home with my kids for years, can I break into
            # AI engineering"); not a role of another trade.
            if _heads_for(before, after) and analysis.foreign_weight >= 1 and not qualified:
                return "transition"
            if (asks_what_it_is or (_DO_BEFORE.match(before) and _NEEDS_AFTER.match(after))) and not _from_to(
                words, analysis.roles
            ):
                return "define"
            # The same role named again, asked about outright: "they want me to 'own the ML platform'. What does an
            # ML platform engineer actually spend their time on?"
            for again in (e for e in analysis.mentions if e.start > role.start):
                told, rest = " ".join(words[: again.start]), " ".join(words[again.start + len(again.text.split()) :])
                if _ASKED_ABOUT.search(told) and not (rest and rest.split()[0] in analysis.foreign):
                    return "define"
            if _JUST_BEFORE.search(before) and _JUST_AFTER.match(after):
                return "define"
            if (_heads_for(before, after) or _switch_after(words, role)) and not qualified:
                return "transition"  # "UX designer here, how do people make the jump into data product management"
        if len(analysis.roles) >= 2:
            first = analysis.roles[0]
            before = " ".join(words[: first.start])
            after = " ".join(words[first.start + len(first.text.split()) :])
            if _WHERE_LINE.search(text):
                return "compare"  # "I'm a devops engineer. where does my job end and MLOps begin?"
            # "what does a data architect do exactly? my lead says it's the next step after senior DE"
            compared = _COMPARED_AFTER.match(after) or analysis.compares_outright
            if _DEFINE_BEFORE.match(before) and _DOES_AFTER.match(after) and not compared:
                return "define"
        if text.startswith(_OWNER_WORDS) or any(p in text for p in _OWNER_PHRASES) or _OWNER_ASKED.search(text):
            return "who_owns"
        if _versus(words, analysis.mentions):
            return "compare"  # "my devops background ... once we ship models? mlops vs devops basically"
        moving = _BECOME.search(text) or _from_to(words, analysis.roles)
        if len(analysis.roles) >= 2 and analysis.compares_outright and not moving:
            return "compare"  # "I'm a software engineer, what separates my job from an ML engineer's?"
        if analysis.roles and (_TRANSITION.search(text) or _from_to(words, analysis.roles)):
            return "transition"
        if len(analysis.roles) >= 2 and analysis.moved_to is not None:
            return "transition"  # "been doing devops for years, has anyone made the jump into data engineering?"
        if len(analysis.roles) >= 2:
            return "compare"
        if analysis.asks_for_episode:
            return "episode"
        if analysis.roles and not analysis.terms and not analysis.foreign:
            return "define"
        return "topic"


_VERSUS = (["vs"], ["versus"])
_CHOICE = (*_VERSUS, ["or"], ["or", "a"], ["or", "an"], ["or", "the"])


def _joined(words: list[str], roles: list[Entity], joiners: tuple[list[str], ...]) -> tuple[Entity, Entity] | None:
    """Two different roles named either side of one of ``joiners`` ("mlops vs devops", "ML PM or data PM")."""
    for first, second in pairwise(roles):
        between = words[first.start + len(first.text.split()) : second.start]
        if first.ref != second.ref and between in joiners:
            return first, second
    return None


def _described(after: list[str]) -> bool:
    """Whether the words after a role's plural describe those people ("... who use the platform") rather than offer
    them as one answer of a choice ("... who wrote them or a dataops person?")."""
    return after[:1] == ["who"] and "or" not in after[:6]


def _built(words: list[str], entity: Entity) -> bool:
    """Whether a role's name that names no person ("ML platform", not "ML platform engineer") is the thing being
    built: "at what point should we build an internal ML platform"."""
    if entity.text.split()[-1] in _AGENT_WORDS:
        return False
    return bool(_BUILT_BEFORE.search(" ".join(words[: entity.start])))


def _names_guest(word: str, names: list[str]) -> bool:
    """Whether a word is one more way of naming a guest the question already names (``names``: the words of their
    names): a short form ("chris" for Christopher Bergh, found by employer) or a name with one typo too short to be
    matched alone ("berg")."""
    if len(word) < 3:
        return False
    return any(part.startswith(word) or Levenshtein.distance(word, part) <= 1 for part in names)


def _same_word(a: str, b: str) -> bool:
    """Whether one word is the other with an ending added ("uncertain", "uncertainty")."""
    return a.startswith(b) or b.startswith(a)


def _versus(words: list[str], roles: list[Entity]) -> bool:
    """Whether two different roles stand either side of a "vs" ("mlops vs devops"): the line between them asked."""
    return _joined(words, roles, _VERSUS) is not None


def _heads_for(before: str, after: str) -> bool:
    """Whether the words around a role's name say the member is heading for it ("step into a data architect role",
    "going the data architect route")."""
    return bool(
        _BECOME_BEFORE.search(before)
        or (before.endswith(" the") and _ROUTE_AFTER.match(after))
        or (_GET_BEFORE.search(before) and _JOB_AFTER.match(after))
        or (_JOIN_BEFORE.search(before) and _TEAM_AFTER.match(after))
        or (_IS_BEFORE.search(before) and _NEXT_AFTER.match(after))
    )


def _switch_after(words: list[str], role: Entity) -> bool:
    """Whether a move is told after the role, to it ("curious about data product management. can someone like me make
    that switch?"), and the role is not the member's own ("data scientist here", "I'm a data scientist")."""
    end = role.start + len(role.text.split())
    return (
        _SWITCH_AFTER.search(" ".join(words[end:])) is not None
        and not _SOURCE_BEFORE.search(" ".join(words[: role.start]))
        and words[end : end + 1] not in (["here"], ["myself"])
    )


_SWITCH_AFTER = re.compile(
    r"\b(?:(?:make|makes|making|made|do|doing) (?:that|this|the|such a) (?:switch|move|jump|leap|transition)"
    # "junior data engineering is dead, is it still worth trying to break in?"
    r"|(?:break|breaking|get|getting) in)\b"
    r"(?!(?: over| across)? (?:in)?to\b)"
)


# "what's the actual line between the two", "I can't tell their CVs apart"
_DIFFERENCE_ASKED = re.compile(r"\bline between\b|\btell\b(?: \w+){1,8} apart\b")
_DIFFERENCE = frozenset(
    {"difference", "differences", "different", "vs", "versus", "compare", "compared", "separates", "distinguishes"}
)


def _describes_guest(words: list[str], role: Entity, guests: list[Entity]) -> bool:
    """'the ML PM from Glovo', 'Glovo's ML PM', 'the CDO at OLX': a role named right beside a guest's name."""
    end = role.start + len(role.text.split())
    for guest in guests:
        guest_end = guest.start + len(guest.text.split())
        if guest_end == role.start or (
            end < len(words) and words[end] in ("from", "at", "of") and end + 1 == guest.start
        ):
            return True
    return False


def _from_to(words: list[str], roles: list[Entity]) -> bool:
    """'from marketing to analytics engineer': a role right after 'to'/'into', with 'from' somewhere before it."""
    for entity in roles:
        before = words[: entity.start]
        if len(before) >= 2 and before[-2] in ("a", "an", "the", "to", "into") and before[-1] not in STOPWORDS:
            before = before[:-1]  # "into a technical PM role", "to technical PM": one adjective after the article
        while before and before[-1] in ("a", "an", "the"):
            before = before[:-1]
        told = before
        while told and told[-1] in _TO_BE:
            told = told[:-1]  # "from head of data to actually being a CDO"
        if told and told[-1] in ("to", "into") and "from" in told:
            return True
        # 'went devops -> data eng': one role, then 'to' (an arrow in chat), then the next; not 'swe -> mle, is the
        # diff just the math' (a difference asked about).
        ends = {e.start + len(e.text.split()) for e in roles if e is not entity}
        if len(before) >= 2 and before[-1] == "to" and len(before) - 1 in ends and not _DIFFERENCE & set(words):
            return True
        # 'can someone from marketing really become an analytics engineer': a source, then a move into the role.
        if "from" in before and _BECOME.search(" ".join(before[before.index("from") :])):
            return True
    return False


def _stems(text: str) -> str:
    return " ".join(stem(w) for w in text.split())


def explain(analysis: Analysis) -> list[str]:
    """Lines describing what was recognised in a question, for ``rolecall ask --explain``."""
    lines = [f"question:   {analysis.normalized}"]
    if analysis.words != analysis.normalized.split():
        lines.append(f"lexicon:    {' '.join(analysis.words)}")
    lines.append(f"intent:     {analysis.intent}")
    for entity in analysis.entities:
        where = f" (episodes: {', '.join(entity.episodes)})" if entity.episodes else ""
        lines.append(f"{entity.kind + ':':<11} '{entity.text}' -> {entity.ref} ({entity.score:.0f}){where}")
    if analysis.timestamps:
        lines.append(f"timestamps: {', '.join(str(t) for t in analysis.timestamps)}")
    if analysis.terms:
        shown = [
            (t.word if t.term == stem(t.word) else f"{t.word}->{t.term}") + (" (story)" if t.story else "")
            for t in analysis.terms
        ]
        lines.append(f"topic:      {', '.join(shown)}")
    if analysis.foreign:
        unknown = ", ".join(analysis.foreign)
        lines.append(f"unknown:    {unknown} (count against any answer; everyday words belong in lexicon.yaml filler)")
    if analysis.filler:
        lines.append(f"filler:     {', '.join(analysis.filler)}")
    return lines

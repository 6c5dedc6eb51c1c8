"""What a notification says, in Dutch or English, as plain text and HTML with links into the portal.

Names are looked up in the directory when the mail is written (the store keeps ids only). HTML is
rendered by Jinja with autoescaping, so a note or a title never becomes markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jinja2 import Environment

from services.notifier import kinds as k
from services.notifier.store import Notification

SUBJECTS = {
    k.REVIEW_REQUESTED: {"nl": "{employee} vraagt je het ontwikkelplan te beoordelen",
                         "en": "{employee} asks you to review their development plan"},
    k.PLAN_REVIEWED: {"nl": "Je ontwikkelplan is {outcome}", "en": "Your development plan was {outcome}"},
    k.FEEDBACK_RECEIVED: {"nl": "Nieuwe feedback op je ontwikkelplan", "en": "New feedback on your development plan"},
    k.FUNDING_DECIDED: {"nl": "Financiering {decision}: {title}", "en": "Funding {decision}: {title}"},
    k.ACTION_INVITE: {"nl": "Leeractie: {title}", "en": "Learning action: {title}"},
    k.ACTION_STARTING_SOON: {"nl": "Binnenkort van start: {title}", "en": "Starting soon: {title}"},
    k.ACTION_OVERDUE: {"nl": "Over tijd: {title}", "en": "Overdue: {title}"},
    k.ACTION_OVERDUE_ESCALATED: {"nl": "Over tijd bij {employee}: {title}", "en": "Overdue for {employee}: {title}"},
    k.CERTIFICATE_EXPIRING: {"nl": "Je certificaat verloopt over {days} dagen: {title}",
                             "en": "Your certificate expires in {days} days: {title}"},
    k.WEEKLY_DIGEST: {"nl": "Je team deze week ({week})", "en": "Your team this week ({week})"},
    k.CHECKIN_INVITE: {"nl": "{changed}Ontwikkelgesprek van {employee}: {on} om {at}",
                       "en": "{changed}Development conversation of {employee}: {on} at {at}"},
    k.SELF_EVALUATION_DUE: {"nl": "Je zelfevaluatie voor {cycle}: uiterlijk {due}",
                            "en": "Your self-evaluation for {cycle}: due by {due}"},
    k.CYCLE_MILESTONE_DUE: {"nl": "{milestone} voor {cycle}: uiterlijk {due}",
                            "en": "{milestone} for {cycle}: due by {due}"},
    k.HR_CYCLE_DIGEST: {"nl": "Stand van {cycle} ({week})", "en": "Status of {cycle} ({week})"},
    k.DAILY_DIGEST: {"nl": "Je Groeipad-overzicht van {day}", "en": "Your Groeipad summary of {day}"},
}
BODIES = {
    k.REVIEW_REQUESTED: {"nl": "{employee} heeft het ontwikkelplan ingediend ter beoordeling.",
                         "en": "{employee} submitted their development plan for your review."},
    k.PLAN_REVIEWED: {"nl": "Je leidinggevende heeft je ontwikkelplan beoordeeld: {outcome}.",
                      "en": "Your manager reviewed your development plan: {outcome}."},
    k.FEEDBACK_RECEIVED: {"nl": "Je hebt feedback gekregen ({source}).", "en": "You received feedback ({source})."},
    k.FUNDING_DECIDED: {"nl": "De financiering van \u201c{title}\u201d is {decision}.",
                        "en": "Funding for \u201c{title}\u201d was {decision}."},
    k.ACTION_INVITE: {"nl": "\u201c{title}\u201d staat gepland van {start} tot en met {end}.",
                      "en": "\u201c{title}\u201d is planned from {start} to {end}."},
    k.ACTION_STARTING_SOON: {"nl": "\u201c{title}\u201d begint op {start}.",
                             "en": "\u201c{title}\u201d starts on {start}."},
    k.ACTION_OVERDUE: {"nl": "\u201c{title}\u201d had op {end} klaar moeten zijn.",
                       "en": "\u201c{title}\u201d was due on {end}."},
    k.ACTION_OVERDUE_ESCALATED: {
        "nl": "\u201c{title}\u201d van {employee} is {days_overdue} dagen over tijd (gepland tot {end}).",
        "en": "\u201c{title}\u201d of {employee} is {days_overdue} days overdue (planned until {end})."},
    k.CERTIFICATE_EXPIRING: {
        "nl": "Het certificaat van \u201c{title}\u201d is geldig tot en met {expires}. Plan op tijd een "
              "hercertificering: dat kan met \u00e9\u00e9n klik in je ontwikkelplan.",
        "en": "The certificate of \u201c{title}\u201d is valid until {expires}. Plan a recertification in time: "
              "one click in your development plan."},
    k.WEEKLY_DIGEST: {"nl": "Wat er in je team op je wacht.", "en": "What is waiting for you in your team."},
    k.CHECKIN_INVITE: {
        "nl": "Het gesprek over het ontwikkelplan van {employee} is op {on} om {at} ({duration_minutes} minuten), "
              "{location}. Het staat als uitnodiging in je agenda.",
        "en": "The conversation about {employee}'s development plan is on {on} at {at} ({duration_minutes} "
              "minutes), {location}. It is in your calendar as an invitation."},
    k.SELF_EVALUATION_DUE: {"nl": "Vul uiterlijk {due} je zelfevaluatie in voor {cycle}.",
                            "en": "Please complete your self-evaluation for {cycle} by {due}."},
    k.CYCLE_MILESTONE_DUE: {"nl": "In {cycle} staat uiterlijk {due}: {milestone}. Die is voor jou nog niet afgerond.",
                            "en": "{cycle} expects by {due}: {milestone}. Yours is not done yet."},
    k.HR_CYCLE_DIGEST: {"nl": "Per mijlpaal: hoeveel medewerkers klaar zijn, nog bezig zijn en te laat zijn.",
                        "en": "Per milestone: how many people are done, due and overdue."},
    k.DAILY_DIGEST: {"nl": "Dit gebeurde er sinds je vorige overzicht.",
                     "en": "This happened since your previous summary."},
}
CANCELLED = {"nl": "Geannuleerd: \u201c{title}\u201d gaat niet door.",
             "en": "Cancelled: \u201c{title}\u201d will not take place."}
CANCELLED_CHECKIN = {"nl": "Geannuleerd: het ontwikkelgesprek van {employee} op {on} om {at} gaat niet door.",
                     "en": "Cancelled: the development conversation of {employee} on {on} at {at} will not take place."}
WORDS = {
    "approved": {"nl": "goedgekeurd", "en": "approved"},
    "changes_requested": {"nl": "teruggestuurd met verzoek om aanpassingen", "en": "returned with requested changes"},
    "declined": {"nl": "afgewezen", "en": "declined"},
    "manager": {"nl": "leidinggevende", "en": "manager"}, "mentor": {"nl": "mentor", "en": "mentor"},
    "peer": {"nl": "collega", "en": "peer"}, "self": {"nl": "zelf", "en": "self"},
    "note": {"nl": "Toelichting", "en": "Note"},
    "open": {"nl": "Openen in Groeipad", "en": "Open in Groeipad"},
    "unsubscribe": {"nl": "Deze berichten niet meer per e-mail ontvangen", "en": "Stop these e-mails"},
    "reviews": {"nl": "Wachten op je beoordeling", "en": "Waiting for your review"},
    "funding": {"nl": "Financieringsaanvragen", "en": "Funding requests"},
    "overdue": {"nl": "Acties over tijd", "en": "Overdue actions"},
    "why": {"nl": "Je krijgt dit bericht van Groeipad.", "en": "You receive this message from Groeipad."},
    "changed": {"nl": "Gewijzigd: ", "en": "Changed: "},
    "self_evaluation": {"nl": "Zelfevaluatie", "en": "Self-evaluation"},
    "goals_set": {"nl": "Doelen vastleggen", "en": "Setting goals"},
    "conversation": {"nl": "Ontwikkelgesprek", "en": "Development conversation"},
    "mid_year_review": {"nl": "Halfjaarlijkse review", "en": "Mid-year review"},
    "year_end_review": {"nl": "Eindejaarsreview", "en": "Year-end review"},
    "milestone_line": {"nl": "{milestone} (uiterlijk {due}): {done} klaar, {open} nog te doen, {overdue} te laat",
                       "en": "{milestone} (due {due}): {done} done, {open} due, {overdue} overdue"},
}
MONTHS = {"nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                 "oktober", "november", "december"],
          "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December"]}

HTML = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: sans-serif; color: #222">
<h1 style="font-size: 1.2em">{{ subject }}</h1>
{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}
{% if quote %}<blockquote style="border-left: 3px solid #ccc; padding-left: .8em">
<strong>{{ quote_label }}:</strong> {{ quote }}</blockquote>{% endif %}
{% for title, items in sections %}<h2 style="font-size: 1em">{{ title }}</h2>
<ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>{% endfor %}
<p><a href="{{ link }}">{{ open }}</a></p>
<hr><p style="font-size: .85em; color: #666">{{ why }}{% if unsubscribe %}
<a href="{{ unsubscribe }}">{{ unsubscribe_label }}</a>{% endif %}</p>
</body></html>
""")


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    link: str
    extra: dict[str, Any] = field(default_factory=dict)


def word(key: str, lang: str) -> str:
    return WORDS.get(key, {}).get(lang, key)


def long_date(value: str, lang: str) -> str:
    try:
        d = date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    month = MONTHS[lang][d.month - 1]
    return f"{d.day} {month} {d.year}" if lang == "nl" else f"{month} {d.day}, {d.year}"


def link_for(n: Notification, portal_url: str) -> str:
    plan_id = n.data.get("plan_id")
    if n.kind in (k.REVIEW_REQUESTED, k.ACTION_OVERDUE_ESCALATED) and plan_id:
        return f"{portal_url}/team/plans/{plan_id}"
    if n.kind in (k.WEEKLY_DIGEST,):
        return f"{portal_url}/team"
    if n.kind == k.HR_CYCLE_DIGEST:
        return f"{portal_url}/cycles/{n.data.get('cycle_id')}"
    if n.kind == k.CHECKIN_INVITE and plan_id:
        where = "team/plans" if n.recipient != n.about else "plans"
        return f"{portal_url}/{where}/{plan_id}/checkins/{n.data.get('checkin_id')}"
    if n.kind == k.DAILY_DIGEST:
        return f"{portal_url}/notifications"
    if n.data.get("action_id") and plan_id:
        return f"{portal_url}/plans/{plan_id}/actions/{n.data['action_id']}"
    return f"{portal_url}/plans/{plan_id}" if plan_id else f"{portal_url}/notifications"


def render(n: Notification, lang: str, name_of: Callable[[str], str], portal_url: str,
           unsubscribe: str | None = None, items: list[Notification] | None = None) -> Rendered:
    """Subject, text and HTML of notification N for a reader of LANG; ITEMS are a daily digest's contents."""
    lang = lang if lang in k.LANGUAGES else "nl"
    values = {key: value for key, value in n.data.items() if isinstance(value, str | int)}
    values.update(employee=name_of(n.about), outcome=word(n.data.get("outcome", ""), lang),
                  decision=word(n.data.get("decision", ""), lang), source=word(n.data.get("source", ""), lang),
                  start=long_date(n.data.get("start", ""), lang), end=long_date(n.data.get("end", ""), lang),
                  title=n.data.get("title") or "", on=long_date(n.data.get("on", ""), lang),
                  due=long_date(n.data.get("due", ""), lang), milestone=word(n.data.get("milestone", ""), lang),
                  changed=word("changed", lang) if n.data.get("sequence") else "",
                  expires=long_date(n.data.get("expires_on", ""), lang))
    subject = SUBJECTS[n.kind][lang].format_map(_Missing(values))
    cancelled = CANCELLED_CHECKIN if n.kind == k.CHECKIN_INVITE else CANCELLED
    body = (cancelled if n.data.get("method") == "CANCEL" else BODIES[n.kind])[lang].format_map(_Missing(values))
    if n.data.get("method") == "CANCEL":
        subject = body
    paragraphs = [body]
    quote = (n.data.get("note") or "").strip() if n.kind == k.REVIEW_REQUESTED else ""
    sections: list[tuple[str, list[str]]] = []
    if n.kind == k.WEEKLY_DIGEST:
        for key in ("reviews", "funding", "overdue"):
            lines = [_team_line(key, entry, lang, name_of) for entry in n.data.get(key) or []]
            if lines:
                sections.append((word(key, lang), lines))
    if n.kind == k.HR_CYCLE_DIGEST:
        sections.append(("", [word("milestone_line", lang).format(
            milestone=word(m["kind"], lang), due=long_date(m["due"], lang), done=_count(m["done"]),
            open=_count(m["due_count"]), overdue=_count(m["overdue"])) for m in n.data.get("milestones") or []]))
    if n.kind == k.DAILY_DIGEST:
        sections.append(("", [render(item, lang, name_of, portal_url).subject for item in items or []]))
    link = link_for(n, portal_url)
    text = "\n\n".join(paragraphs)
    if quote:
        text += f"\n\n{word('note', lang)}: {quote}"
    for title, lines in sections:
        text += ("\n\n" + title if title else "\n") + "".join(f"\n- {line}" for line in lines)
    text += f"\n\n{word('open', lang)}: {link}\n\n-- \n{word('why', lang)}"
    if unsubscribe:
        text += f"\n{word('unsubscribe', lang)}: {unsubscribe}"
    html = HTML.render(lang=lang, subject=subject, paragraphs=paragraphs, quote=quote,
                       quote_label=word("note", lang), sections=sections, link=link, open=word("open", lang),
                       why=word("why", lang), unsubscribe=unsubscribe, unsubscribe_label=word("unsubscribe", lang))
    return Rendered(subject=subject, text=text + "\n", html=html, link=link)


def _team_line(key: str, entry: dict, lang: str, name_of: Callable[[str], str]) -> str:
    name = name_of(entry["employee_id"])
    if key == "overdue":
        return f"{name}: {entry['title']} ({long_date(entry['end'], lang)})"
    if key == "funding":
        return f"{name} ({entry['count']})"
    return name


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)  # withheld: fewer than five people


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return ""

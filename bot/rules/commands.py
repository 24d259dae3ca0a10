"""Reading `/goal` subcommands, in English or Italian."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.mentions import parse_person

# Italian aliases map onto the English subcommand names, so help and routing stay in one place.
SUBCOMMANDS: dict[str, str] = {
    "new": "new", "nuovo": "new", "nuovi": "new",
    "help": "help", "aiuto": "help", "?": "help",
    "list": "list", "lista": "list", "elenco": "list",
    "lang": "lang", "lingua": "lang", "language": "lang",
    "cancel": "cancel", "annulla": "cancel",
    "checkin": "checkin", "check-in": "checkin",
    "checkin-time": "checkin-time", "orario": "checkin-time",
    "pause": "pause", "pausa": "pause",
    "resume": "resume", "riprendi": "resume",
    "digest": "digest",
    "edit": "edit", "modifica": "edit",
    "done": "done", "fatto": "done", "completato": "done",
    "drop": "drop", "abbandona": "drop",
    "missed": "missed", "mancato": "missed", "non-raggiunto": "missed",
    "export": "export", "esporta": "export",
    "history": "history", "storia": "history", "cronologia": "history",
    "admin": "admin", "amministratori": "admin",
    "team": "team", "squadra": "team",
    # "obiettivo aziendale" is a company objective; "obiettivo" alone is the person's own goal, so the Italian
    # words are the adjective ("/goal aziendale aggiungi …", "/goal aziendali").
    "objective": "objective", "okr": "objective", "aziendale": "objective",
    "objectives": "objectives", "okrs": "objectives", "aziendali": "objectives",
    "private": "private", "privato": "private",
    "public": "public", "pubblico": "public",
    "for": "for", "per": "for", "propose": "for", "proponi": "for",
    "accept": "accept", "accetta": "accept",
    "counter": "counter", "controproposta": "counter",
    "proposal": "proposal", "proposta": "proposal",
    "comment": "comment", "commenta": "comment",
    "align": "align", "allinea": "align",
}


# The names parse_command gives text that starts with no subcommand: each has a handler too.
PARSED_NAMES = frozenset({"goal", "names_someone", "unknown"})


@dataclass(frozen=True)
class Command:
    """A parsed `/goal` invocation: the subcommand and the rest of the text, verbatim."""

    name: str  # a canonical subcommand, "goal" for goal text, "names_someone" for goal text after a @person, or "unknown"
    args: str


def parse_command(text: str) -> Command:
    """Split `/goal` text into a subcommand and its arguments; several words that are no subcommand are a goal."""
    stripped = (text or "").strip()
    if not stripped:
        return Command("new", "")
    first, _, rest = stripped.partition(" ")
    name = SUBCOMMANDS.get(first.lower())
    if name is not None:
        return Command(name, rest.strip())
    if " " not in stripped:
        return Command("unknown", stripped)
    if first.startswith(("<@", "@")) and parse_person(first) is not None:
        # "/goal @sofia reduce churn to 4%" is a goal for someone else, not one to set for yourself about them.
        return Command("names_someone", stripped)
    return Command("goal", stripped)

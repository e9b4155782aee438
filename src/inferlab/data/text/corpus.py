"""A generated dialogue-like corpus: short utterances from templates with slot fillers, each labelled with the
intent that picked its template and the sentiment that picked its opener / closer words.

The labels are hidden factors of the text, so a model's unsupervised classes can be scored against them
(homogeneity); nothing about them is given to the models.
"""

from __future__ import annotations

import numpy as np

from inferlab.data.text.dataset import TextDataset, make_text_dataset
from inferlab.data.text.vocab import build_vocab
from inferlab.errors import UserError

SLOTS = {
    "food": ["pizza", "sushi", "noodles", "a burger", "pasta", "tacos", "curry", "a salad"],
    "city": ["paris", "boston", "tokyo", "berlin", "madrid", "cairo", "lima", "oslo"],
    "day": ["monday", "tuesday", "friday", "saturday", "sunday", "tomorrow", "tonight"],
    "time": ["seven", "eight", "nine", "noon", "ten thirty", "six"],
    "artist": ["some jazz", "the beatles", "classical music", "some rock", "my playlist", "the radio"],
    "place": ["the station", "the museum", "the airport", "the bank", "the park", "the hotel"],
    "num": ["two", "three", "four", "five", "six"],
    "item": ["shoes", "a jacket", "the laptop", "the phone", "a ticket", "the room"],
}

INTENTS = {
    "greet": ["hello there , how are you doing", "hi , nice to see you again", "good morning , how is it going"],
    "book_table": ["i would like a table for {num} on {day}", "can you book a table for {num} at {time}",
                   "reserve a table for {num} people {day}"],
    "order_food": ["i want to order {food} please", "can i get {food} delivered", "i will have {food} and {food}"],
    "weather": ["what is the weather like in {city}", "will it rain in {city} {day}", "is it cold in {city} today"],
    "flight": ["i need a flight to {city} on {day}", "book me a flight from {city} to {city}",
               "when does the flight to {city} leave"],
    "music": ["play {artist} for me", "can you put on {artist}", "i want to listen to {artist}"],
    "alarm": ["set an alarm for {time}", "wake me up at {time} {day}", "remind me at {time} to call mom"],
    "price": ["how much does {item} cost", "what is the price of {item}", "is {item} on sale"],
    "directions": ["how do i get to {place}", "where is {place} from here", "which way to {place} please"],
    "cancel": ["please cancel my booking for {day}", "i want to cancel the order of {item}",
               "cancel my reservation at {time}"],
    "thanks": ["thank you so much for the help", "thanks a lot , that is all", "many thanks , see you soon"],
    "complain": ["my {item} arrived broken", "the {item} never came", "i was charged twice for {item}"],
}

OPENERS = {0: ["ugh ,", "sadly ,", "honestly ,", "oh no ,", ""], 1: ["great ,", "wonderful ,", "hey ,", "yay ,", ""]}
CLOSERS = {0: ["this is terrible", "i am so annoyed", "what a bad day", "it was awful"],
           1: ["this is great", "i am so happy", "what a lovely day", "it was perfect"]}
SENTIMENTS = ("negative", "positive")


def _utterance(intent: str, sentiment: int, rng: np.random.Generator) -> list[str]:
    template = INTENTS[intent][rng.integers(len(INTENTS[intent]))]
    words: list[str] = OPENERS[sentiment][rng.integers(len(OPENERS[sentiment]))].split()
    for token in template.split():
        if token.startswith("{"):
            choices = SLOTS[token[1:-1]]
            words += choices[rng.integers(len(choices))].split()
        else:
            words.append(token)
    if rng.random() < 0.6:
        words += [","] + CLOSERS[sentiment][rng.integers(len(CLOSERS[sentiment]))].split()
    return words


def generate_dialogue_corpus(n: int, seed: int, intents: int = len(INTENTS),
                             max_len: int = 20) -> tuple[TextDataset, TextDataset, TextDataset]:
    """Train / valid / test splits (80 / 10 / 10 %) of `n` utterances over the first `intents` intents, labels
    "intent" and "sentiment"; the vocabulary is built on the training split."""
    if not 1 <= intents <= len(INTENTS) or n < 10:
        raise UserError(f"dialogue corpus with n={n}, intents={intents}: need n >= 10 and 1 <= intents <= "
                        f"{len(INTENTS)}.")
    rng = np.random.default_rng(seed)
    names = list(INTENTS)[:intents]
    intent_ids, sentiment_ids = rng.integers(0, intents, size=n), rng.integers(0, 2, size=n)
    sents = [_utterance(names[i], int(s), rng) for i, s in zip(intent_ids, sentiment_ids)]
    cuts = [0, int(0.8 * n), int(0.9 * n), n]
    vocab = build_vocab(sents[: cuts[1]])
    return tuple(make_text_dataset(f"dialogue:{split}", sents[a:b], vocab, max_len,
                                   {"intent": intent_ids[a:b].tolist(), "sentiment": sentiment_ids[a:b].tolist()})
                 for split, a, b in zip(("train", "valid", "test"), cuts[:-1], cuts[1:]))

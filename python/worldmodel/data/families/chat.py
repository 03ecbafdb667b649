"""Plain chat turns: greetings and non-numeric questions answered briefly, with no WAT.

They keep the model chatty and teach it when not to compute. Each topic has several prompt phrasings
(held out for test like question templates) and a few interchangeable replies.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChatTopic:
    name: str
    prompts: tuple[str, ...]
    replies: tuple[str, ...]
    dressable: bool = False  # whether chatty openers/closers may be added to the prompts

    def template_id(self, index: int) -> str:
        return f"{self.name}.t{index:02d}"


CHAT_TOPICS = (
    ChatTopic(
        "chat_greeting",
        (
            "Hi!",
            "Hello",
            "Hey there",
            "Good morning!",
            "hi, how are you?",
            "Hello, anyone there?",
            "Yo",
            "Good evening.",
            "Hey! How's it going?",
            "Hi there, nice to meet you.",
        ),
        (
            "Hello! How can I help you today?",
            "Hi! Ask me anything, especially math or physics questions.",
            "Hey! I'm doing well, thanks. What can I do for you?",
            "Hello! I'm here to help. What would you like to know?",
        ),
    ),
    ChatTopic(
        "chat_thanks",
        (
            "Thanks!",
            "Thank you so much.",
            "thx",
            "Great, thanks for the help.",
            "Perfect, that's what I needed.",
            "Awesome, thank you!",
            "Cheers!",
            "Thanks a lot, that helped.",
        ),
        (
            "You're welcome!",
            "Glad I could help!",
            "Any time. Let me know if you have another question.",
            "Happy to help!",
        ),
    ),
    ChatTopic(
        "chat_goodbye",
        (
            "Bye!",
            "Goodbye.",
            "See you later.",
            "That's all for today, bye.",
            "Good night!",
            "I have to go now.",
        ),
        (
            "Goodbye! Have a great day.",
            "See you! Come back any time.",
            "Bye! Good luck with your work.",
        ),
    ),
    ChatTopic(
        "chat_identity",
        (
            "Who are you?",
            "What are you?",
            "What can you do?",
            "Are you a human?",
            "What's your name?",
            "How do you work?",
            "What are you good at?",
            "Can you do math?",
        ),
        (
            "I'm WorldModel, a small language model. For math and physics questions I write a little WebAssembly program, "
            "the runtime runs it, and I answer from the exact result.",
            "I'm a small assistant model. When a question needs a calculation, I write a program and let the computer do the "
            "arithmetic, so the numbers I give come from the computation.",
        ),
    ),
    ChatTopic(
        "chat_capital",
        (
            "What is the capital of France?",
            "What's the capital of Japan?",
            "Capital of Italy?",
            "What is the capital city of Canada?",
            "Which city is the capital of Germany?",
            "Name the capital of Spain.",
            "What is the capital of Australia?",
        ),
        (),
        dressable=True,
    ),
    ChatTopic(
        "chat_definition",
        (
            "What is photosynthesis?",
            "What does a noun mean?",
            "What is gravity?",
            "What is an atom?",
            "Explain what a prime number is.",
            "What is velocity?",
            "What is a mammal?",
            "What is electricity?",
        ),
        (),
        dressable=True,
    ),
    ChatTopic(
        "chat_advice",
        (
            "Any tips for studying math?",
            "How can I get better at mental arithmetic?",
            "I'm nervous about my physics exam.",
            "How do I stay focused while studying?",
            "What's a good way to learn unit conversions?",
            "How should I check my homework answers?",
        ),
        (
            "Practice a little every day, work problems by hand first, and check each result another way (estimate, or plug it back in).",
            "Break problems into small steps, write down units at every step, and check that the answer has a sensible size.",
            "Short, regular sessions beat long cramming. Start with problems you can solve, then step up the difficulty.",
        ),
        dressable=True,
    ),
    ChatTopic(
        "chat_no_compute",
        (
            "Tell me a joke.",
            "What's your favorite color?",
            "Write a haiku about the sea.",
            "Do you like music?",
            "Recommend a good book.",
            "What should I cook tonight?",
        ),
        (),
        dressable=True,
    ),
    ChatTopic(
        "chat_formula",
        (
            "What is the formula for kinetic energy?",
            "How do you calculate the area of a circle?",
            "What is Ohm's law?",
            "How do I convert Celsius to Fahrenheit?",
            "What's the formula for compound interest?",
            "How do you find the average of some numbers?",
            "What does the Pythagorean theorem say?",
            "How is speed related to distance and time?",
        ),
        (),
        dressable=True,
    ),
)

# Topics whose answer depends on the prompt: one reply per prompt, in order.
_REPLIES_BY_PROMPT = {
    "chat_formula": (
        "Kinetic energy is KE = ½ m v², with m the mass and v the speed. Give me the numbers and I'll compute it.",
        "The area of a circle is A = π r², where r is the radius.",
        "Ohm's law says V = I R: voltage equals current times resistance.",
        "Multiply the Celsius temperature by 9/5 and add 32: F = C × 9/5 + 32.",
        "A = P (1 + r/n)^(n t): principal P, yearly rate r, n compoundings per year, t years.",
        "Add the numbers up and divide by how many there are.",
        "In a right triangle, a² + b² = c², where c is the side opposite the right angle.",
        "Speed is distance divided by time, so distance = speed × time and time = distance / speed.",
    ),
    "chat_capital": (
        "The capital of France is Paris.",
        "The capital of Japan is Tokyo.",
        "The capital of Italy is Rome.",
        "The capital of Canada is Ottawa.",
        "The capital of Germany is Berlin.",
        "The capital of Spain is Madrid.",
        "The capital of Australia is Canberra.",
    ),
    "chat_definition": (
        "Photosynthesis is how plants use sunlight, water and carbon dioxide to make sugar, releasing oxygen.",
        'A noun is a word that names a person, place, thing or idea, like "teacher", "city" or "happiness".',
        "Gravity is the attraction between masses. Near Earth's surface it accelerates falling objects at about 9.81 m/s².",
        "An atom is the smallest unit of a chemical element: a nucleus of protons and neutrons surrounded by electrons.",
        "A prime number is a whole number greater than 1 whose only divisors are 1 and itself, like 2, 3, 5 and 7.",
        "Velocity is speed together with direction: how fast something moves and which way.",
        "A mammal is a warm-blooded animal with hair that feeds its young with milk, like dogs, whales and humans.",
        "Electricity is the flow of electric charge, usually electrons moving through a conductor such as a wire.",
    ),
    "chat_no_compute": (
        "Why don't scientists trust atoms? Because they make up everything!",
        "I don't have favorites, but I hear blue is popular.",
        "Waves fold and unfold,\nsalt wind carries gull voices,\nthe tide keeps its time.",
        "I can't hear music, but I know plenty about it. What do you like to listen to?",
        '"A Short History of Nearly Everything" by Bill Bryson is a fun, readable tour of science.',
        "How about a simple vegetable stir-fry with rice? It's quick, and you can use whatever vegetables you have.",
    ),
}


def replies_for(topic: ChatTopic, prompt_index: int) -> tuple[str, ...]:
    """The replies that fit one prompt of a topic."""
    if topic.name in _REPLIES_BY_PROMPT:
        return (_REPLIES_BY_PROMPT[topic.name][prompt_index],)
    return topic.replies


def _check() -> None:
    for topic in CHAT_TOPICS:
        if topic.name in _REPLIES_BY_PROMPT and len(_REPLIES_BY_PROMPT[topic.name]) != len(topic.prompts):
            raise ValueError(f"chat topic {topic.name}: one reply per prompt expected")
        if topic.name not in _REPLIES_BY_PROMPT and not topic.replies:
            raise ValueError(f"chat topic {topic.name}: no replies")


_check()

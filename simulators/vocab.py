"""Word lists the content generator draws scenarios from.

Large and varied on purpose: the worker rejects near-duplicates at cosine >= 0.9 with a sentence
embedding model, so questions on one topic must differ in meaning, not only in their numbers.
"""

from __future__ import annotations


def _split(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split("|") if s.strip())


PEOPLE = _split("""
a marine biologist | a retired railway engineer | a twelfth-grade student | a street food vendor |
a satellite technician | a cricket coach | a village potter | a museum curator |
a wheat farmer in Punjab | a tea taster in Assam | a night-shift nurse | a young astronomer |
a textile dyer in Surat | a bridge inspector | a wildlife photographer | a mountaineering guide |
a school librarian | a dairy cooperative manager | a ship's navigator | a glassblower |
a court stenographer | a forest ranger in the Sundarbans | a drone hobbyist | a spice trader in Kochi |
a robotics club captain | a metro train driver | a jeweller | a beekeeper | a kite maker in Ahmedabad |
a weather forecaster | a pharmacist | a hospital radiographer | a carpenter restoring temple doors |
a chess prodigy | a fisherman off the Konkan coast | a stage lighting designer | a cartographer |
an archaeologist at a dig site | an electrician wiring a new flat | an auto-rickshaw driver |
an organic chemist | an air-traffic controller | an origami artist | an ice-cream maker |
an amateur violinist | an oceanographer | a hydroelectric plant operator |
a sugarcane mill supervisor | a perfume blender | a paper-mill chemist | a water-treatment engineer |
a football goalkeeper | a tabla player | a baker in Pune | a postal worker in Shimla |
a rail freight planner | a solar-panel installer | a quiz show host | a badminton player |
a boat builder in Kerala | a crossword setter | a physiotherapist | a saffron grower in Kashmir |
a tailor | a civil engineer designing a flyover | a lighthouse keeper | a traffic police officer |
an elephant mahout | a zookeeper | a lab assistant | a retired mathematics teacher |
a software tester | a camel breeder in Jaisalmer | a mushroom farmer | a courier on a motorbike |
a firefighter | a gardener
""")

ACTIVITIES = _split("""
calibrating a weather balloon | repairing a tube-well pump | planning a school science fair |
restoring an old clock tower | packing parcels for a festival sale | tuning a sitar before a concert |
surveying a plot of farmland | preparing a batch of pickles | counting migratory birds |
testing a homemade water filter | laying tiles in a courtyard | sorting seeds for the next sowing |
checking the brakes of a bicycle | building a model rocket | designing a rangoli pattern |
mixing mortar for a wall | writing a puzzle for the school magazine | loading sacks onto a truck |
charting the tides | timing runners on a track | inspecting a cargo of mangoes |
brewing masala chai for a crowd | measuring rainfall in a gauge | tracing a leaking gas line |
setting up a telescope on a rooftop | balancing the accounts of a small shop |
stacking bricks at a kiln | recording the cooling of molten wax | practising free kicks |
assembling a bookshelf | adjusting the sails of a dinghy | grading answer sheets |
dyeing silk in large vats | filling balloons with helium | preparing a titration for students |
mapping a cave system | steering a barge upstream | calibrating a kitchen scale |
rewiring a ceiling fan | tracking a satellite pass | packing medicines into a first-aid kit |
harvesting honey from hives | pumping water into an overhead tank | experimenting with a pendulum |
drying chillies on a terrace | fixing a leaking roof before the rains |
preparing a chemistry demonstration | mending fishing nets | building a sandcastle competition entry |
photographing lightning | folding paper cranes | shelling peanuts | racing paper boats |
timing a pressure cooker | arranging chairs for a wedding | melting ice for a lab experiment |
inflating car tyres at a petrol pump | painting a mural | organising a library shelf |
designing a roller-coaster model | weighing gold ornaments | rowing across a lake |
preparing salt by evaporating sea water | checking a solar inverter | testing soil acidity in a field |
launching a kite at a festival | sketching the phases of the moon
""")

PLACES = _split("""
in a Himalayan village | on the deck of a ferry crossing the Hooghly |
in a crowded Mumbai local train | at a solar farm in Rajasthan | beside a paddy field in Thanjavur |
inside a cold-storage warehouse | on the rooftop of a hostel | in a busy railway yard |
at a fishing harbour in Visakhapatnam | in the basement of an old library |
near a hot spring in Manikaran | at a salt pan in the Rann of Kutch | in a dusty school laboratory |
at a tea estate in Darjeeling | on a highway toll plaza | in a newly built metro tunnel |
at a spice market in Old Delhi | in a textile mill in Coimbatore | on a houseboat in Srinagar |
at a cricket stadium in Kolkata | inside a planetarium dome | at a sugar factory near Kolhapur |
in a mangrove forest | beside a windmill on the coast | at an observatory in Ladakh |
in a crowded bus depot | on a suspension bridge | in a bakery kitchen |
at a riverside ghat in Varanasi | in a pharmaceutical clean room | at a copper mine |
on a moving escalator | in a rain-soaked bazaar | at a zoo enclosure | inside a submarine simulator |
at a hill-station post office | in a bamboo grove | at a desert camp | on a ship's engine deck |
in a glass-roofed greenhouse | at an airport runway | inside a cement plant | at a village well |
in a marble quarry | at a science museum in Bengaluru | in a coastal radar station | at a brick kiln |
in an ice factory | on a wind-swept plateau | at a power substation | in a temple courtyard |
at a wetland bird sanctuary | in a fourth-floor flat | at a night market |
in a university wind tunnel | at a dairy plant in Anand | in a chemistry olympiad camp |
at a seaside lighthouse | in a boat repair yard | on a snow-covered pass | at a paper mill |
in a rubber plantation | at a bus stop in heavy fog | in a silk-weaving workshop
""")

TIMES = _split("""
just before the monsoon | on a foggy winter morning | late at night during exam week |
on the first day of Diwali holidays | during a sudden power cut | at noon in peak summer | at sunrise |
while the tide is going out | on a humid August afternoon | during a cricket match break |
in the middle of a dust storm | on a quiet Sunday | during the harvest season | after a long journey |
at the end of a night shift | on a breezy evening | just after a hailstorm |
during a school excursion | on the eve of a festival | while waiting for a delayed train |
in the cold hours before dawn | during the lunch rush | on a day of heavy snowfall |
after the first rains | during a science week | on a cloudless night | during an inspection visit |
while the town sleeps | on a muggy July evening | during a cyclone warning | on results day |
during a marathon | right after a power surge | at dusk | during a wedding season |
on a weekday morning rush
""")

ASIDES = _split("""
A radio in the background is playing an old film song. |
A stray dog watches the whole thing curiously. |
The smell of fresh jalebis drifts in from a nearby stall. | Rain keeps drumming on the tin roof. |
Someone nearby is arguing loudly about the price of onions. |
A flock of parakeets settles on the wires overhead. | The ceiling fan creaks with every turn. |
A younger cousin keeps asking what is going on. | Notes are scribbled in the margin of an old diary. |
The generator coughs and restarts twice. | A cup of tea has long gone cold on the table. |
A crowd of schoolchildren gathers to watch. | The only light comes from a flickering tube light. |
A monkey steals a banana from the window sill. | Temple bells ring somewhere in the distance. |
The logbook already has three pages of readings. | A gust of wind scatters the papers. |
The mobile network keeps dropping. | Everyone is in a hurry to finish before the deadline. |
A neighbour offers to help with the measurements. |
The numbers are checked twice before being written down. |
A faded poster of Ramanujan hangs on the wall. | Sparrows chirp under the eaves. |
A thermos of coffee is passed around. | The instruments are borrowed from a friend's college. |
A power bank keeps the phone alive. | The smell of wet earth fills the air. |
Firecrackers go off a few streets away. | A vendor shouts the day's prices for vegetables. |
Two pigeons fight over crumbs near the door. | The old wall clock is five minutes fast. |
A sketch of the setup is pinned to the board. | A grandmother tells a story about the old days. |
Autorickshaws honk in an endless queue outside. | The air conditioner drips onto the floor. |
A cat sleeps on a pile of newspapers. | A water tanker rumbles past the gate. |
The readings are dictated into a voice note.
""")

PHYSICS_OBJECTS = _split("""
cart | drone | sled | pendulum bob | satellite | train carriage | hockey puck | elevator cabin |
bicycle | rocket stage | cricket ball | wooden block | steel sphere | toy car | boat | parcel |
skateboard | hot-air balloon | trolley | football | ceiling fan blade | tennis ball | truck | stone |
bullet | canoe | ice cube | arrow | marble | motorbike | piston | crate | yo-yo | glider | barge |
dumbbell
""")

MATH_OBJECTS = _split("""
tiles | seeds | lanterns | coins | marbles | books | tickets | bangles | stamps | flower pots |
mangoes | beads | kites | chairs | candles | bricks | pebbles | bottles | shells | cards | saplings |
notebooks | ribbons | clay lamps | buttons | postcards | tokens | spools of thread
""")

# (name, formula, molar mass in g/mol)
COMPOUNDS: tuple[tuple[str, str, float], ...] = (
    ("water", "H_2O", 18.0),
    ("carbon dioxide", "CO_2", 44.0),
    ("sodium chloride", "NaCl", 58.5),
    ("glucose", "C_6H_{12}O_6", 180.0),
    ("ammonia", "NH_3", 17.0),
    ("methane", "CH_4", 16.0),
    ("sulphuric acid", "H_2SO_4", 98.0),
    ("sodium hydroxide", "NaOH", 40.0),
    ("calcium carbonate", "CaCO_3", 100.0),
    ("hydrochloric acid", "HCl", 36.5),
    ("potassium permanganate", "KMnO_4", 158.0),
    ("ethanol", "C_2H_5OH", 46.0),
    ("oxygen", "O_2", 32.0),
    ("nitrogen", "N_2", 28.0),
    ("urea", "CO(NH_2)_2", 60.0),
    ("acetic acid", "CH_3COOH", 60.0),
    ("sucrose", "C_{12}H_{22}O_{11}", 342.0),
    ("potassium chloride", "KCl", 74.5),
    ("magnesium oxide", "MgO", 40.0),
    ("aluminium oxide", "Al_2O_3", 102.0),
    ("copper sulphate", "CuSO_4", 159.5),
    ("sodium carbonate", "Na_2CO_3", 106.0),
)

BIO_ORGANISMS = _split("""
bacteria | yeast cells | pea plants | fruit flies | frogs | mustard seedlings | rabbits | paramecia |
earthworms | butterflies | algae | tomato plants | mice | honeybees | guppies | sunflower plants
""")

# Sentence skeletons. Every one names the whole scene (person, activity, place, time) so that the
# scenario, not the calculation, dominates the meaning. Slots: person activity place time statement
# ask lead focus (capitalised variants: Person, Statement, Place_cap, Time_cap, Lead).
SKELETONS = _split(
    """
{Person} is {activity} {place} {time}. {Statement}. {ask}{focus} ||
While {activity} {place} {time}, {person} notices that {statement}. {ask}{focus} ||
{Time_cap}, {person} is busy {activity} {place}. {Statement}. {ask}{focus} ||
{Lead} {statement}; this comes up {time} when {person} is {activity} {place}. {ask}{focus} ||
{Place_cap}, {person} takes a break from {activity} {time} and sets a problem: {statement}. {ask}{focus} ||
Meanwhile {person}, {activity} {place} {time}, records that {statement}. {ask}{focus} ||
{Person}, who spent the day {activity} {place}, writes in a notebook {time}: "{Statement}." {ask}{focus} ||
Consider this situation from {person} {activity} {place} {time}: {statement}. {ask}{focus} ||
{Time_cap} {place}, {person} stops {activity} to think about this: {statement}. {ask}{focus} ||
As part of {activity} {time}, {person} {place} finds that {statement}. {ask}{focus} ||
{Statement}. This was observed by {person} {activity} {place} {time}. {ask}{focus} ||
{Person} challenges a classmate {time} while {activity} {place}: {statement}. {ask}{focus} ||
During a break from {activity} {place} {time}, {person} works out a problem:
{statement}. {ask}{focus} ||
{Place_cap} {time}, {person} explains to visitors who watch the {activity_noun}
that {statement}. {ask}{focus} ||
{Person} pauses while {activity} {place} {time} and jots down that {statement}. {ask}{focus} ||
{Time_cap}, {person} {place} decides to check a calculation linked to {activity}: {statement}. {ask}{focus} ||
In a story told by {person} about {activity} {place} {time}, {statement}. {ask}{focus} ||
{Person} is {activity} {place} {time} and needs a quick answer: {statement}. {ask}{focus} ||
For a worksheet written by {person} after {activity} {place} {time}, {statement}. {ask}{focus} ||
{Person}, {activity} {place} {time}, points out that {statement}. {ask}{focus} ||
{Lead} {statement} ({person} noticed this {time} while {activity} {place}). {ask}{focus} ||
An exam setter who once was {person} remembers {activity} {place} {time}: {statement}. {ask}{focus} ||
{Place_cap}, a question pops up {time} while {person} is {activity}: {statement}. {ask}{focus} ||
{Statement}, according to the log kept by {person} {activity} {place} {time}. {ask}{focus} ||
On a poster made {time} about {activity} {place}, {person} states that {statement}. {ask}{focus} ||
{Person} reads aloud {place} {time}, between bouts of {activity}: {statement}. {ask}{focus} ||
Back from {activity} {place} {time}, {person} recalls that {statement}. {ask}{focus} ||
Here is a puzzle {person} set {time} while {activity} {place}: {statement}. {ask}{focus}
""".replace("||", "|")
)

LEADS = _split("""
It is known that | Suppose that | Assume that | Given that | We are told that | It turns out that |
Take the case where | Imagine that | Observe that | Note that | Record shows that | The data say that
""")

ASKS = _split("""
Find {q}. | What is {q}? | Find {q}. | Determine {q}. | Calculate {q}. | Compute {q}. |
Find the value of {q}. | How large is {q}? | Work out {q}. | Evaluate {q}. | Find {q} exactly. |
What value does {q} take?
""")

FOCUS = _split("""
(Concept: {plan}.) | This tests {plan}. | Focus: {plan}. | Idea being checked: {plan}. |
Hint: think about {plan}.
""")

SHORTCUT_LEADS = _split("""
Write the formula first, then substitute. | Skip the story; only the numbers matter. |
Use the standard result directly. | Keep units consistent before substituting. |
Estimate first to rule out the wrong options. | One line of algebra is enough.
""")

# Asides are composed from two lists so that they rarely repeat exactly across a batch.
ASIDE_SUBJECTS = _split("""
A radio in the corner | A stray dog | The old ceiling fan | A vendor outside | A younger cousin |
The generator | A flock of parakeets | A retired neighbour | The wall clock |
A group of schoolchildren | The tube light | A cheeky monkey | The temple bell | A delivery boy |
The pressure cooker next door | An old diary | A street musician | The kettle | A sleepy cat |
A passing train | The mobile phone | A curious tourist | A tired security guard | The wind |
A water tanker | A wedding band | A cricket commentator on TV | A parrot in a cage |
The power inverter | A group of pilgrims | A noisy scooter | A tea seller | A grandmother |
The school peon | A traffic constable | The rain
""")

ASIDE_PREDICATES = _split("""
keeps interrupting with questions | hums a tune from an old film | makes an odd rattling noise |
seems to follow every step with great interest | has nothing to do with the problem |
adds to the general confusion | goes quiet for a while | refuses to stop | is ignored by everyone |
becomes the topic of a short argument | starts up again after a pause |
distracts everyone for a minute | reminds everyone of a childhood holiday | needs attention later |
is mentioned in the notes for no reason | makes the whole scene feel like a film |
turns out to be a red herring | adds a little comic relief | is photographed for the school magazine |
is described in far too much detail in the logbook | keeps the mood cheerful |
gets blamed for a misplaced pencil | is later written about in a blog post |
delays the work by ten minutes | offers an opinion that nobody asked for |
vanishes as suddenly as it came
""")

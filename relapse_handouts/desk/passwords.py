"""Passwords a nurse can say over the phone: words from a small built-in list.

512 short, concrete English words (easy to spell, no two that sound alike, ASCII so any
keyboard types them); five chosen with ``secrets`` give 45 bits, like a random
8-character password of letters and digits, and are far easier to read out and type.
"""

from __future__ import annotations

import secrets

__all__ = ["WORDS", "WORDS_IN_PASSWORD", "make_password"]

WORDS_IN_PASSWORD = 5
WORDS: tuple[str, ...] = tuple(
    """
    acorn actor adult agent alarm album alert alley amber anchor angle ankle apple apricot
    apron arena arrow aspen atlas attic audio award bacon badge badger bagel baker bamboo
    banana banjo barn basil basin basket batch beach beam bean bear beaver beetle bell belt
    bench berry bike bird bison blade blanket blaze blend block bloom blue board boat bone
    bonus book boot bottle bowl brain branch brave bread brick bridge brook broom brush
    bubble bucket buddy buffalo bulb bunny butter button cabbage cabin cable cactus cake
    camel camera camp candle candy canoe canvas canyon cape card cargo carpet carrot cart
    castle cave cedar celery cello cereal chair chalk cheetah cherry chess chest chick
    chimney chip cider cinema circle city clay cliff clock cloud clover clown coach coast
    coat cobra cocoa coffee coin comet comic cookie copper coral cork corn cotton couch
    cousin cowboy crab crane crayon cream creek cricket crow crown crystal cube cup curtain
    cushion daisy dance delta denim desert desk diamond dinner dolphin donkey donut door
    dragon drawer dream drum duck dune eagle earth easel echo elbow ember engine fabric
    falcon farm feather fence ferry fiber fiddle field finch fire fish flag flame flute foam
    fog forest fork fossil frog frost fruit galaxy garden garlic gate gecko gem giant ginger
    giraffe glass glove goat goblet gold goose grape grass gravel gravy guitar hammer
    hamster harbor harp hawk hazel heart hedge helmet hill hippo honey hook horse hotel
    house igloo iris island ivory jacket jaguar jam jar jasmine jazz jeans jelly jewel juice
    jungle kayak kettle kite kitten kiwi koala ladder lagoon lake lamb lamp lantern laptop
    lava lemon lemur lens leopard letter lettuce lily lime linen lion lizard llama lobby
    lobster locket lotus lunch magnet mango maple marble market marsh meadow medal melon
    mermaid metal meteor mint mirror mitten monkey moon moose moss motor mouse muffin mug
    music napkin needle nest nickel noodle north oak oasis oatmeal ocean octopus olive onion
    opal orange orbit orchid otter oven oyster paddle paint palm panda panther paper parade
    parrot parsley pasta pasture peach peacock peanut pearl pebble pelican pencil penguin
    pepper petal piano pickle picnic pigeon pillar pillow pilot pine pirate pizza planet
    plum pocket poem polar pond pony popcorn potato prairie pretzel pudding puddle pumpkin
    puppy puzzle quail quartz quilt rabbit radar radio rain rainbow raisin ranch raven reef
    rhino ribbon rice ridge river robin robot rocket roof rooster rose ruby saddle saffron
    salad salmon sand sandal sardine satin saucer scarf school seed sesame shadow shark
    sheep shell ship shoe shovel silver singer skate sled slipper snail snow soap sock sofa
    soup sparrow spider spinach sponge spoon spring squash squid stable stamp star statue
    stone storm stove straw stream sugar summer summit sunset swan sweater table tablet taco
    teapot thimble thistle tiger timber toast toffee tomato tooth topaz torch tower tractor
    train tree truck trumpet tulip tuna tundra tunnel turkey turnip turtle tuxedo unicorn
    valley vanilla vase velvet vest village violin volcano waffle wagon walnut walrus water
    wave whale wheat wheel whistle willow window winter wizard wolf wood yacht yarn yogurt
    zebra zipper
    """.split()
)


def make_password(count: int = WORDS_IN_PASSWORD) -> str:
    """Words joined by hyphens, like ``maple-otter-violin-cabin-frost``."""
    return "-".join(secrets.choice(WORDS) for _ in range(count))

// Word lists for synthetic song titles and artist names (all invented combinations).
// Plain English words, a few accented foreign words (they become \u escapes in the
// files) and syllables for pronounceable made-up names. Lists are '|'-separated strings.

const list = (text: string): readonly string[] => text.split('|');

export const ACCENTED_SYLLABLES = list('lé|rö|ná|çe|mü|jø|så|ño|fí|bè');

export const ADJECTIVES = list(
  'Blue|Broken|Golden|Silent|Electric|Lonely|Wild|Sweet|Dark|Bright|Hollow|Crimson|Gentle|' +
    'Restless|Velvet|Frozen|Burning|Lost|Little|Last|Midnight|Summer|Winter|Paper|Silver|Neon|' +
    'Quiet|Heavy|Easy|Strange|Secret|Hungry|Lucky|Empty|Higher|Faded|Northern|Southern|Crazy|' +
    'Tender',
);

export const ADVERBS = list('Tonight|Again|Forever|Slowly|Away|Now|Home|Back|Down|Tomorrow');

export const BAND_PREFIXES = list('The|DJ|MC|Los|Les|Die|Lil|Big|Young|Sister');

/** Foreign words, several with non-ASCII letters. */
export const FOREIGN = list(
  'Corazón|Canción|Noche|Señorita|Mañana|Café|Été|Rêve|Liberté|Mädchen|Straße|Über|Amor|Fiesta|' +
    'Sueño|Niño|Cœur|Déjà|Lágrimas|Días|Alegría|Vida|Mélodie|Sommar|Ängel|Gökyüzü|Sempre|Città|' +
    'Saudade|Coração',
);

export const FOREIGN_JOINERS = list('de|la|y|e|et|und|mi|del|da|le');

export const GENRE_WORDS = list(
  'Orchestra|Trio|Quartet|Band|Collective|Project|Ensemble|Sound System|Brothers|Choir',
);

export const NOUNS = list(
  'Heart|River|Night|Fire|Road|Dream|Rain|Star|Light|Window|Ocean|Train|Mountain|Shadow|Angel|' +
    'Highway|Garden|Mirror|Sky|Stone|Morning|City|Radio|Diamond|Thunder|Letter|Island|Kingdom|' +
    'Horizon|Wolf|Desert|Harbor|Echo|Feather|Lantern|Valley|Storm|Candle|Machine|Rose',
);

export const OBJECTS = list('Me|You|Her|Him|Us|It|Them|Me Home|Me Down|It Easy');

export const PLURALS = list(
  'Wolves|Rivers|Strangers|Kings|Ghosts|Lovers|Machines|Horses|Sparrows|Saints|Tigers|Pilots|' +
    'Shadows|Echoes|Giants|Sailors|Rebels|Dreamers|Comets|Keys',
);

export const SYLLABLES = list(
  'ka|lo|mi|ra|ne|to|sa|vi|da|ko|ze|lu|ma|ri|no|be|ta|li|ro|na|so|fe|go|ba|mo|ja|ni|po|el|an|or|' + 'is',
);

export const TITLE_SUFFIXES = list(
  '(Album Version)|(Live)|(Radio Edit)|(Remastered)|(Acoustic)|(Demo)|(Extended Mix)|' +
    '(Instrumental)|(LP Version)|(Single Version)|(Original Mix)|(Reprise)',
);

export const VERBS = list(
  'Take|Hold|Run|Love|Call|Leave|Save|Follow|Find|Kiss|Dance|Wait|Carry|Remember|Forget|Touch|' +
    'Break|Tell|Show|Bring',
);

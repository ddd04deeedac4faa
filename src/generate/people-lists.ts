// Reference lists for synthetic users and artist places: first/last names, US metro
// areas written like the eventsim "location" field, artist home towns with rough
// coordinates, and the pieces 2014-era browser user agents are assembled from.

const list = (text: string): readonly string[] => text.split('|');

export const FEMALE_NAMES = list(
  'Zoe|Lily|Chloe|Ruby|Jacqueline|Maya|Ava|Layla|Aleena|Grace|Rosa|Nora|Amiya|Sara|Emily|Olivia|' +
    'Harper|Madison|Brooklyn|Riley|Kinsley|Stella|Naomi|Aubrey|Hailey|Piper|Quinn|Savannah|Jordyn|' +
    'Evelyn',
);

export const MALE_NAMES = list(
  'Oscar|Ryan|Aiden|Jacob|Kevin|Sean|Tucker|Lucas|Noah|Elijah|Logan|Mason|Carter|Wyatt|Owen|' +
    'Caleb|Isaac|Colton|Dominic|Miles|Theodore|Henry|Micah|Brayden|Connor|Everett|Austin|Jordan|' +
    'Gavin|Ethan',
);

export const LAST_NAMES = list(
  'Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Hernandez|Lopez|' +
    'Wilson|Anderson|Thomas|Taylor|Moore|Jackson|Martin|Lee|Perez|Thompson|White|Harris|Sanchez|' +
    'Clark|Ramirez|Lewis|Robinson|Walker|Young|Allen|King|Wright|Scott|Torres|Nguyen|Hill|Flores|' +
    'Green|Adams|Nelson|Baker|Hall|Rivera|Campbell|Mitchell|Carter|Roberts|Cruz',
);

/** Metropolitan areas in the census CBSA naming style used by eventsim. */
export const METROS = list(
  'New York-Newark-Jersey City, NY-NJ-PA|Los Angeles-Long Beach-Anaheim, CA|' +
    'Chicago-Naperville-Elgin, IL-IN-WI|Dallas-Fort Worth-Arlington, TX|' +
    'Houston-The Woodlands-Sugar Land, TX|Washington-Arlington-Alexandria, DC-VA-MD-WV|' +
    'Miami-Fort Lauderdale-West Palm Beach, FL|Philadelphia-Camden-Wilmington, PA-NJ-DE-MD|' +
    'Atlanta-Sandy Springs-Roswell, GA|Boston-Cambridge-Newton, MA-NH|Phoenix-Mesa-Scottsdale, AZ|' +
    'San Francisco-Oakland-Hayward, CA|Riverside-San Bernardino-Ontario, CA|' +
    'Detroit-Warren-Dearborn, MI|Seattle-Tacoma-Bellevue, WA|' +
    'Minneapolis-St. Paul-Bloomington, MN-WI|San Diego-Carlsbad, CA|' +
    'Tampa-St. Petersburg-Clearwater, FL|Denver-Aurora-Lakewood, CO|St. Louis, MO-IL|' +
    'Baltimore-Columbia-Towson, MD|Charlotte-Concord-Gastonia, NC-SC|' +
    'Orlando-Kissimmee-Sanford, FL|San Antonio-New Braunfels, TX|' +
    'Portland-Vancouver-Hillsboro, OR-WA|Sacramento--Roseville--Arden-Arcade, CA|Pittsburgh, PA|' +
    'Las Vegas-Henderson-Paradise, NV|Austin-Round Rock, TX|Cincinnati, OH-KY-IN|' +
    'Kansas City, MO-KS|Columbus, OH|Indianapolis-Carmel-Anderson, IN|Cleveland-Elyria, OH|' +
    'San Jose-Sunnyvale-Santa Clara, CA|Nashville-Davidson--Murfreesboro--Franklin, TN|' +
    'Virginia Beach-Norfolk-Newport News, VA-NC|Providence-Warwick, RI-MA|' +
    'Milwaukee-Waukesha-West Allis, WI|Jacksonville, FL|Memphis, TN-MS-AR|Oklahoma City, OK|' +
    'Louisville/Jefferson County, KY-IN|Richmond, VA|New Orleans-Metairie, LA|Raleigh, NC|' +
    'Salt Lake City, UT|Birmingham-Hoover, AL|Buffalo-Cheektowaga-Niagara Falls, NY|' +
    'Grand Rapids-Wyoming, MI|Hartford-West Hartford-East Hartford, CT|' +
    'Des Moines-West Des Moines, IA|Madison, WI|Greensboro-High Point, NC|Flagstaff, AZ|Chico, CA|' +
    'Boise City, ID|Tucson, AZ|Albany-Schenectady-Troy, NY|Omaha-Council Bluffs, NE-IA',
);

/** Artist home towns (MSD style, free text) with rough coordinates (jittered per artist). */
export const ARTIST_PLACES: ReadonlyArray<readonly [string, number, number]> = list(
  'New York, NY@40.7@-74|Los Angeles, CA@34.05@-118.25|London, England@51.5@-0.12|' +
    'Chicago, IL@41.88@-87.63|Nashville, Tennessee@36.16@-86.78|Atlanta, GA@33.75@-84.39|' +
    'Detroit, MI@42.33@-83.05|Seattle, WA@47.6@-122.33|Austin, TX@30.27@-97.74|' +
    'Memphis, Tennessee@35.15@-90.05|New Orleans, LA@29.95@-90.07|Manchester, England@53.48@-2.25|' +
    'Glasgow, Scotland@55.86@-4.25|Dublin, Ireland@53.35@-6.26|Paris, France@48.86@2.35|' +
    'Berlin, Germany@52.52@13.4|Stockholm, Sweden@59.33@18.07|Reykjavík, Iceland@64.14@-21.9|' +
    'Kingston, Jamaica@18@-76.79|Toronto, ON, Canada@43.65@-79.38|Montréal, Québec@45.5@-73.57|' +
    'São Paulo, Brasil@-23.55@-46.63|Buenos Aires, Argentina@-34.6@-58.38|' +
    'Ciudad de México@19.43@-99.13|Sydney, NSW, Australia@-33.87@151.21|Tokyo, Japan@35.68@139.69|' +
    'Oakland, California@37.8@-122.27|Minneapolis, MN@44.98@-93.27|Athens, Georgia@33.96@-83.38|' +
    'Tallahassee, FL@30.44@-84.28|Omaha, Nebraska@41.26@-95.94|Brooklyn, NY@40.68@-73.94|' +
    'TEXAS@31@-99|Bay Area, CA@37.6@-122.2|Pennsylvania@40.9@-77.8|Norway@61@8.5|UK@54@-2.5|' +
    'Sevilla, España@37.39@-5.98|Köln, Germany@50.94@6.96|Zürich, Switzerland@47.37@8.54',
).map((p) => {
  const [name = '', lat = '0', lon = '0'] = p.split('@');
  return [name, Number(lat), Number(lon)] as const;
});

/** Operating-system and browser pieces; user agents are built from these in users.ts. */
export const UA_CHROME_OS = list(
  'Macintosh; Intel Mac OS X 10_9_4|Macintosh; Intel Mac OS X 10_10_0|Windows NT 6.1; WOW64|' +
    'Windows NT 6.3; WOW64|Windows NT 5.1|X11; Linux x86_64|Windows NT 6.2; WOW64',
);
export const UA_CHROME_VERSIONS = list(
  '35.0.1916.153|36.0.1985.125|36.0.1985.143|37.0.2062.94|37.0.2062.103',
);
export const UA_FIREFOX_OS = list(
  'Windows NT 5.1|Windows NT 6.1; WOW64|Macintosh; Intel Mac OS X 10.9|X11; Linux x86_64|' + 'Windows NT 6.1',
);
export const UA_FIREFOX_VERSIONS = list('30.0|31.0|32.0');

/** Mac OS X version, WebKit build and Safari version. */
export const UA_SAFARI: ReadonlyArray<readonly [string, string, string]> = [
  ['10_9_4', '537.78.2', '7.0.6'],
  ['10_9_3', '537.75.14', '7.0.3'],
  ['10_9_4', '537.77.4', '7.0.5'],
  ['10_8_5', '536.30.1', '6.1.5'],
  ['10_10', '538.46', '8.0'],
];

/** Whole user agents of mobile Safari and Internet Explorer. */
export const UA_MOBILE = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53',
  'Mozilla/5.0 (iPad; CPU OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
  'Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; WOW64; Trident/6.0)',
];

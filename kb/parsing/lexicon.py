"""Word lists used as CRF dictionary features and by the synthetic record
generator (given names, surnames, places, publishers, journal words ...)."""
from __future__ import annotations


def _set(s: str) -> set[str]:
    return {w.lower() for w in s.split()}


GIVEN_LIST = """James John Robert Michael William David Richard Joseph Thomas Charles Mary
Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Margaret
Emily Anna Hannah Laura Julia Sophie Marie Claire Helen Ruth Alice Grace Rose Paul Peter
Mark George Edward Henry Jack Daniel Matthew Andrew Simon Martin Stephen Christopher
Jonathan Benjamin Samuel Nicholas Timothy Kevin Brian Eric Adam Ian Alan Neil Colin
Hans Jürgen Klaus Wolfgang Günter Dieter Uwe Stefan Andreas Matthias Markus Katrin
Ursula Sabine Birgit Monika Petra Heike Anke Jan Lars Sven Nils Erik Ingrid Astrid Sigrid
Karin Ole Bjørn Søren Mette Pierre Jean Jacques Michel François Philippe Nicolas Antoine
Camille Élise Hélène Isabelle Nathalie Sylvie Chantal Dominique Luc Rémi Sébastien
Giovanni Giuseppe Marco Luca Francesco Alessandro Matteo Chiara Francesca Giulia Elena
Sofia Paola Roberta José Juan Carlos Miguel Luis Javier Antonio Manuel Pedro Alejandro
Carmen Lucía Isabel Pilar Dolores Mercedes Ana Beatriz João Tiago Rui Inês Joana Mariana
Piotr Krzysztof Tomasz Agnieszka Katarzyna Małgorzata Ivan Dmitri Sergei Olga Tatiana
Natalia Vladimir Alexei Yuri Irina Svetlana Mehmet Ahmet Ayşe Fatma Ali Hassan Fatima
Omar Leila Yusuf Amir Reza Priya Rahul Anil Sunita Ravi Arjun Deepa Kavita Wei Fang Min
Jing Lei Yan Hui Xin Ying Hong Ming Jun Tao Ling Qiang Hao Yu Xiaoming Xiaoling Jianguo
Zhiwei Yongmei Haruki Yuki Kenji Takeshi Akiko Naoko Hiroshi Satoshi Minji Jiwoo Seojun
Hyun Soo Kwame Ama Kofi Chidi Ngozi Amara Thabo Zanele Olumide Adebayo Ewa Zofia Jana
Petr Lukáš Tereza Eva Miklós Zsófia Dániel Gábor Ágnes Maria Mariam Aziz Noor Sanjay
Meera Arun Lakshmi Thanh Nguyen Minh Linh Siti Budi Dewi Rizal Kai Noah Liam Emma Olivia
Ava Mia Ella Chloe Zoe Lucy Amelia Harriet Eleanor Frances Catherine Margarete Friedrich
Heinrich Otto Karl Ludwig Ernst Walter Gerhard Helmut Rainer Bernd Jörg Björn Kerstin
Ilse Gisela Renate Dorothea Theodor Max Felix Leon Lukas Jonas Finn Ben Tim Tom Nina Lena
Lea Sarah Tobias Florian Philipp Christian Sebastian Johannes Moritz Jakob Vincent
Louis Hugo Arthur Gabriel Raphaël Léa Manon Inès Chloé Mathilde Juliette Adèle""".split()
GIVEN = _set(" ".join(GIVEN_LIST))

SURNAME_LIST = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas
Moore Jackson White Harris Martin Thompson Clark Lewis Walker Hall Allen Young King Wright
Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner
Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey
Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders
Myers Long Ross Foster Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz
Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun
Krüger Hofmann Hartmann Lange Werner Krause Lehmann Köhler Dubois Durand Lefebvre Moreau
Laurent Simon Michel Leroy Roux David Bertrand Morel Fournier Girard Bonnet Rossi Russo
Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti García
Martínez Rodríguez López Hernández González Pérez Sánchez Ramírez Torres Flores Rivera
Gómez Díaz Silva Santos Oliveira Pereira Costa Ferreira Almeida Nowak Kowalski Wiśniewski
Wójcik Kowalczyk Ivanov Smirnov Kuznetsov Popov Petrov Novák Svoboda Dvořák Nagy Kovács
Tóth Szabó Horváth Yılmaz Kaya Demir Şahin Çelik Öztürk Kumar Singh Sharma Patel Gupta
Rao Reddy Iyer Nair Das Khan Ahmed Hussain Rahman Hassan Ali Ibrahim Mahmoud Tanaka Suzuki
Sato Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kato Kim Lee Park Choi Jung Kang
Cho Yoon Jang Lim Nguyen Tran Pham Hoang Okafor Mensah Adeyemi Mwangi Dlamini Jansen
Janssen Visser Smit Mulder Bos Vos Peters Hendriks Andersen Nielsen Hansen Pedersen
Larsen Johansson Karlsson Nilsson Eriksson Larsson Olsen Berg Haugen Lindqvist Virtanen
Korhonen Mäkinen Murray O'Brien O'Connor McDonald MacLeod Fitzgerald Byrne Ryan Walsh
MacKenzie McAllister LaForge DeLuca DiMaggio O'Neill McCarthy MacIntyre LeBlanc VanDyke""".split()
SURNAMES = _set(" ".join(SURNAME_LIST))

PUBLISHER_WORDS = _set("""press university universitaire verlag books publishing publishers
publisher publications edition éditions editions editorial editore editrice editori
routledge sage springer wiley elsevier penguin macmillan palgrave blackwell polity verso
bloomsbury cambridge oxford harvard yale princeton mit chicago columbia stanford norton
knopf random house harpercollins hachette suhrkamp fischer beck campus transcript vs
nomos klett rowohlt gallimard seuil flammarion laterza einaudi mondadori feltrinelli
taylor francis brill gruyter mohr siebeck emerald ashgate zed pluto duke cornell
california minnesota michigan toronto manchester edinburgh inc ltd llc co gmbh ag kg
academic scholars scholarly unwin simon schuster little brown vintage anchor basic
doubleday free belknap westview lexington rowman littlefield continuum""")

PLACES = _set("""london new york paris berlin oxford cambridge boston chicago washington
los angeles san francisco toronto montreal sydney melbourne tokyo beijing shanghai
hong kong singapore delhi mumbai moscow vienna wien munich münchen frankfurt hamburg
cologne köln leipzig dresden stuttgart bonn zurich zürich geneva genève basel bern
amsterdam leiden rotterdam utrecht brussels bruxelles antwerp copenhagen stockholm oslo
helsinki madrid barcelona lisbon lisboa rome roma milan milano turin torino florence
firenze bologna naples napoli athens warsaw kraków prague praha budapest bucharest
istanbul cairo nairobi johannesburg cape town lagos accra princeton ithaca berkeley
stanford durham baltimore philadelphia pittsburgh minneapolis seattle austin atlanta
manchester edinburgh glasgow dublin cardiff bristol leeds sheffield abingdon basingstoke
thousand oaks hoboken malden lanham boulder westport armonk cheltenham aldershot
farnham ann arbor new haven newbury park bielefeld baden-baden tübingen göttingen
heidelberg freiburg münster marburg mainz wiesbaden lyon marseille toulouse bordeaux
lille seoul taipei kyoto osaka bangkok jakarta manila hanoi mexico buenos aires
santiago lima bogotá são paulo rio janeiro ottawa vancouver canberra auckland
wellington ma ny ca uk usa nj il ct mass""")
# more university and publishing towns (multi-word names add only their distinctive words)
PLACES |= _set("""opladen wiesbaden weinheim darmstadt konstanz kassel hannover bremen nürnberg augsburg
regensburg würzburg jena halle erfurt rostock kiel potsdam düsseldorf essen dortmund
bochum duisburg karlsruhe mannheim saarbrücken trier innsbruck salzburg graz linz
palermo venezia venice padova genova verona pisa siena bari catania trieste parma
modena napoli bergamo brescia pavia perugia sevilla valencia granada salamanca zaragoza
bilbao porto coimbra grenoble strasbourg nantes rennes montpellier dijon rouen
louvain leuven gent ghent liège lausanne luzern lucerne fribourg neuchâtel
stockholm uppsala lund göteborg gothenburg aarhus odense bergen trondheim tampere
turku wrocław poznań gdańsk łódź brno bratislava ljubljana zagreb belgrade sofia
kyiv kiev minsk riga vilnius tallinn st. petersburg jerusalem tel aviv
mineola evanston chapel hill new brunswick newark amherst madison
urbana champaign lincoln norman tucson albuquerque houston dallas denver
portland sacramento san diego santa barbara santa monica la jolla palo alto
oakland detroit cleveland columbus cincinnati nashville miami orlando tampa
charlottesville new orleans st. louis kansas city salt lake city honolulu
harmondsworth colchester norwich nottingham birmingham
liverpool newcastle york exeter brighton southampton coventry lancaster
aberdeen st andrews belfast cork galway kolkata calcutta chennai madras bangalore
hyderabad karachi lahore dhaka colombo kathmandu kuala lumpur nanjing wuhan
guangzhou shenzhen tianjin chengdu hangzhou xi'an taipei nagoya sapporo yokohama
tehran baghdad beirut damascus amman riyadh dubai ankara tunis algiers rabat
dakar addis ababa kampala dar es salaam harare pretoria durban montevideo caracas
quito la paz havana rio de janeiro brasília porto alegre córdoba rosario
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey
carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont
virginia wisconsin wyoming england scotland wales ireland germany deutschland france
italy italia spain españa portugal netherlands belgium switzerland schweiz austria
österreich sweden norway denmark finland poland russia china japan korea india canada
australia brazil brasil argentina chile colombia peru africa nigeria kenya egypt israel
turkey greece hungary czech romania québec quebec ontario bavaria bayern""") - {"la", "de", "es", "dar", "city", "hill", "lake", "salt", "st.", "santa", "paz"}

JOURNAL_WORDS = _set("""journal review quarterly studies studien annals annales bulletin
proceedings transactions letters research science sciences society societies
international european american british review revue rivista zeitschrift archiv
archives forum perspectives affairs politics policy economics sociology anthropology
history historical law legal philosophy psychology communication media culture
cultural quarterly monthly weekly yearbook jahrbuch magazine times herald gazette
tribune post daily news chronicle observer telegraph guardian independent zeitung
allgemeine rundschau spiegel zeit monde figaro corriere repubblica país nature
cell medicine medical clinical health technology engineering computing information
bulletin asian china chinese contemporary comparative critical theory inquiry
education development environmental""")

EDITOR_WORDS = _set("ed eds editor editors edited hrsg hg hgg herausgegeben éd éds dir coord")
TRANS_WORDS = _set("trans transl translated translator translators übers übersetzt traduit trad")
VOL_WORDS = _set("vol vols volume volumes bd band tome t jg jahrgang")
ISSUE_WORDS = _set("no nos number issue heft h nr num n°")
PAGE_WORDS = _set("p pp page pages s seite seiten pag")
EDITION_WORDS = _set("edition ed aufl auflage éd rev revised expanded 2nd 3rd 4th 5th second third fourth fifth")
IN_WORDS = _set("in dans en")
STOP = _set("the a an of and in on for to with from by at as la le les de des du et der die das und von zu im")
MEDIA_WORDS = _set("""video film documentary podcast episode broadcast interview speech lecture
transcript radio television tv youtube vimeo blog post tweet twitter facebook online
web website dataset data thesis dissertation phd ma master report working paper
conference proceedings presented act law regulation statute court case v""")
